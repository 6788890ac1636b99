/*
 * Swagger UI in a real browser, over plain http at a name that is not localhost: browsers treat only
 * localhost and loopback literals as secure, so this is where a CSP upgrade-insecure-requests blanks /docs.
 * Debian's Chromium is required (.ci/run installs it): a missing browser fails this test, it never skips.
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { createTestApp, type TestApp } from '../support/test-app.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HOST = 'parley.test';

describe('Swagger UI at /docs', () => {
  let testApp: TestApp;
  let browser: Browser;
  let port: number;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    }
    testApp = await createTestApp();
    await testApp.app.listen(0, '127.0.0.1');
    port = (testApp.app.getHttpServer().address() as AddressInfo).port;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--host-resolver-rules=MAP ${HOST} 127.0.0.1`,
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  it(`renders the operations over plain http at ${HOST}`, async () => {
    const page = await browser.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (request) => failed.push(request.url()));
    await page.goto(`http://${HOST}:${port}/docs`);

    // Swagger UI gives each operation the element id operations-<tag>-<operationId>.
    await page.locator('#operations-messages-sendMessage').waitFor({ state: 'visible', timeout: 15_000 });
    expect(await page.locator('.opblock').count()).toBeGreaterThanOrEqual(11);
    expect(failed).toEqual([]);
  }, 30_000);
});
