/*
 * Chromium driven by playwright-core, as the browser tests need it. Which
 * Chromium (CHROMIUM_PATH, Debian's, or the one the @sparticuz/chromium npm
 * package ships) is decided once per run in global-setup.js; a missing one
 * fails a test, it never skips.
 * The flags keep it off the network this machine does not have (no update,
 * sync or component checks) and let it run as root. Not the npm package's own
 * flag list: that one turns web security off, and the CORS test needs a browser
 * that enforces it.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH;
  if (!executablePath || !existsSync(executablePath)) {
    throw new Error(`No Chromium at ${executablePath}: run the browser specs through npm test, or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--no-zygote',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}
