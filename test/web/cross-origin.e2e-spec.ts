/*
 * A web app on another origin, in a real browser: it must read every response header the spec tells
 * clients to read. A browser shows a cross-origin page only the CORS-safelisted headers unless the
 * response names the others in Access-Control-Expose-Headers; curl and supertest see them regardless,
 * which is why this is a browser test.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import { signupUser } from '../support/factories.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** What the page could read of the answers it got. */
interface Seen {
  statuses: number[];
  replayed: string | null;
  requestId: string | null;
  bodyRequestId: string | undefined;
  retryAfter: string | null;
  challenge: string | null;
}

describe('a page on a second origin (CORS_ORIGINS) in Chromium', () => {
  let testApp: TestApp;
  let pageServer: Server;
  let browser: Browser;
  let api: string;
  let pageOrigin: string;

  beforeAll(async () => {
    // The web app's own origin: another port is another origin.
    pageServer = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>a team’s web app</title>');
    });
    await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
    pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
    testApp = await createTestApp({ env: { CORS_ORIGINS: pageOrigin, RATE_LIMIT_BROADCAST_PER_USER: '1' } });
    await testApp.app.listen(0, '127.0.0.1');
    api = `http://127.0.0.1:${(testApp.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
    await new Promise((resolve) => pageServer?.close(resolve));
  });

  it('reads Idempotent-Replayed, X-Request-Id, Retry-After and WWW-Authenticate', async () => {
    const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
    const page = await browser.newPage();
    await page.goto(pageOrigin);

    const seen = await page.evaluate(
      async ({ api, token, peer }): Promise<Seen> => {
        const post = (path: string, body: object, headers: Record<string, string> = {}) =>
          fetch(`${api}${path}`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, ...headers },
            body: JSON.stringify(body),
          });
        const send = () => post('/send', { user_id: peer, message: 'hello' }, { 'Idempotency-Key': 'retry-1' });
        const first = await send();
        const retry = await send();
        const broadcast = await post('/send_to_all', { message: 'hello, all' });
        const limited = await post('/send_to_all', { message: 'hello again, all' });
        const refused = await fetch(`${api}/current_user`, { headers: { Authorization: 'Bearer not-a-token' } });
        return {
          statuses: [first.status, retry.status, broadcast.status, limited.status, refused.status],
          replayed: retry.headers.get('Idempotent-Replayed'),
          requestId: limited.headers.get('X-Request-Id'),
          bodyRequestId: ((await limited.json()) as { request_id?: string }).request_id,
          retryAfter: limited.headers.get('Retry-After'),
          challenge: refused.headers.get('WWW-Authenticate'),
        };
      },
      { api, token: alice.token, peer: bob.id },
    );

    expect(seen.statuses).toEqual([201, 201, 201, 429, 401]);
    expect(seen.replayed).toBe('true');
    expect(seen.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen.requestId).toBe(seen.bodyRequestId);
    expect(Number(seen.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(seen.challenge).toBe('Bearer realm="parley", error="invalid_token"');
    await page.close();
  }, 30_000);
});
