/*
 * Swagger UI in a real browser, over plain http at a name that is not localhost: browsers treat only
 * localhost and loopback literals as secure, so this is where a CSP upgrade-insecure-requests blanks /docs.
 * Debian's Chromium is required (.ci/run installs it): a missing browser fails this test, it never skips.
 */
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const HOST = 'parley.test';

describe('Swagger UI at /docs', () => {
  let testApp: TestApp;
  let browser: Browser;
  let port: number;

  beforeAll(async () => {
    testApp = await createTestApp();
    await testApp.app.listen(0, '127.0.0.1');
    port = (testApp.app.getHttpServer().address() as AddressInfo).port;
    browser = await launchChromium([`--host-resolver-rules=MAP ${HOST} 127.0.0.1`]);
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
