/*
 * What every browser spec of the reference web client starts, opens and checks: the real app on a free port, the
 * client's dev server in front of it, Chromium, one browser context per person, and no uncaught error in any page
 * (a test that saw one fails, whatever else it checked).
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { startWebDevServer, type WebDevServer } from './web-dev-server.js';

export const UI_WAIT_MS = 15_000;

export const shown = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: UI_WAIT_MS });
export const gone = (locator: Locator) => locator.waitFor({ state: 'detached', timeout: UI_WAIT_MS });
export const connection = (page: Page) => page.getByRole('status', { name: 'connection' });
export const messages = (page: Page) => page.getByRole('list', { name: 'Messages' }).getByRole('listitem');
export const chatWith = (page: Page, username: string) =>
  page.getByRole('navigation', { name: 'Chats' }).getByRole('button', { name: new RegExp(username) });
export const conversation = (page: Page, name: string) =>
  page.getByRole('region', { name: `Conversation with ${name}` });

/** The password every person of the browser specs signs up with. */
export const PASSWORD = 'correct horse battery';
/** The message whose text is exactly `text`, in the open conversation. */
export const message = (page: Page, text: string) =>
  messages(page).filter({ has: page.locator('.text').getByText(text, { exact: true }) });

/** Signs up through the client's form, until its socket is live. */
export async function signUp(page: Page, username: string): Promise<void> {
  await page.getByRole('button', { name: 'New here? Sign up' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Email').fill(`${username}@example.com`);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Password again').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up', exact: true }).click();
  await shown(connection(page).filter({ hasText: 'Live' }));
}

/** Sends `text` in the open conversation, until it is stored: "Sent", or already "Read" when the peer has it open. */
export async function send(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await shown(
    message(page, text)
      .locator('.status')
      .getByText(/^(Sent|Read)$/),
  );
}

export interface WebClient {
  readonly testApp: TestApp;
  readonly web: WebDevServer;
  /** A new person: a browser context (set up by `prepare` before its page opens) on the client. */
  openPage: (prepare?: (context: BrowserContext) => Promise<void>) => Promise<{ context: BrowserContext; page: Page }>;
  /** Kept under test-output/<outputName>/, for a person to look at. */
  screenshot: (page: Page, name: string) => Promise<Buffer>;
}

/**
 * Registers the hooks that start and stop all of it: call it at the top of a describe block. `appEnv` is read when
 * the app starts (in beforeAll), so it may name what an earlier hook made.
 */
export function useWebClient(outputName: string, appEnv: () => Record<string, string> = () => ({})): WebClient {
  const screenshots = fileURLToPath(new URL(`../../test-output/${outputName}/`, import.meta.url));
  let testApp: TestApp | undefined;
  let web: WebDevServer | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    testApp = await createTestApp({ env: appEnv() });
    await testApp.app.listen(0, '127.0.0.1');
    const { port } = testApp.app.getHttpServer().address() as AddressInfo;
    web = await startWebDevServer(`http://127.0.0.1:${port}`);
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await testApp?.close();
  });

  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
    expect(pageErrors.splice(0)).toEqual([]);
  });

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('The web client is not started: use it inside a test');
    return value;
  };
  return {
    get testApp() {
      return started(testApp);
    },
    get web() {
      return started(web);
    },
    openPage: async (prepare) => {
      const context = await started(browser).newContext({ viewport: { width: 1000, height: 700 } });
      contexts.push(context);
      await prepare?.(context);
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(started(web).url);
      return { context, page };
    },
    screenshot: (page, name) => page.screenshot({ path: `${screenshots}${name}.png` }),
  };
}
