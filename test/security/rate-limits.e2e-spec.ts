/* Rate limits: 429 with Retry-After in the one error shape, per IP, per username, per sender, shared through Redis. */
import { sendMessage } from '@parley/client';
import { randomBytes } from 'node:crypto';
import { signupUser, uniqueName } from '../support/factories.js';
import { listenForSdk } from '../support/sdk-client.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('rate limits', () => {
  const apps: TestApp[] = [];
  const start = async (env: Record<string, string>, database?: TestApp['database']) => {
    const testApp = await createTestApp({ env, database });
    apps.push(testApp);
    return testApp;
  };

  afterEach(async () => {
    const closing = apps.splice(0).reverse();
    for (const testApp of closing) await testApp.app.close();
    for (const database of new Set(closing.map((testApp) => testApp.database))) await database.drop();
  });

  const login = (testApp: TestApp, username: string) =>
    testApp.api().post('/login').send({ username, password: 'not the password' });

  it('limits login attempts per username, whatever the IP, with 429 and Retry-After', async () => {
    const testApp = await start({ RATE_LIMIT_AUTH_PER_USERNAME: '3', RATE_LIMIT_WINDOW_SECONDS: '60' });
    const target = uniqueName();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await login(testApp, target.toUpperCase())).status);
    expect(statuses).toEqual([401, 401, 401, 429]);

    const limited = await login(testApp, target);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: 'Too many requests; retry after the seconds in the Retry-After header',
      request_id: expect.any(String),
    });
    await login(testApp, uniqueName()).expect(401);
  });

  it('limits signups and logins per client IP', async () => {
    const testApp = await start({ RATE_LIMIT_AUTH_PER_IP: '2' });
    await login(testApp, uniqueName()).expect(401);
    await login(testApp, uniqueName()).expect(401);
    await login(testApp, uniqueName()).expect(429);
  });

  it('limits sends per user, not per IP, and the SDK sees the 429 with Retry-After', async () => {
    const testApp = await start({ RATE_LIMIT_SEND_PER_USER: '2' });
    const sdk = await listenForSdk(testApp);
    const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
    const send = async (from: typeof alice, to: typeof bob) =>
      sendMessage({ client: sdk.as(from), body: { user_id: to.id, message: 'hi' } });
    const answers = [await send(alice, bob), await send(alice, bob), await send(alice, bob)];
    expect(answers.map(({ response }) => response.status)).toEqual([201, 201, 429]);
    expect(Number(answers[2].response.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(answers[2].error).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    expect((await send(bob, alice)).response.status).toBe(201);
    const [{ n }] = await testApp.query('SELECT count(*)::int AS n FROM messages WHERE sender_id = $1', [alice.id]);
    expect(n).toBe(2);
  });

  it('shares the counters of several instances through Redis', async () => {
    const env = { REDIS_URL, RATE_LIMIT_AUTH_PER_USERNAME: '2', RATE_LIMIT_WINDOW_SECONDS: '60' };
    const first = await start(env);
    const second = await start(env, first.database);
    const target = `shared_${randomBytes(6).toString('hex')}`;

    await login(first, target).expect(401);
    await login(second, target).expect(401);
    await login(first, target).expect(429);
    await login(second, target).expect(429);
  });
});
