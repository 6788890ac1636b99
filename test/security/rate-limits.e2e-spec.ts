/* Rate limits: 429 with Retry-After in the one error shape, per IP, per username, per sender, shared through Redis. */
import { sendMessage } from '@parley/client';
import { randomBytes } from 'node:crypto';
import {
  bearer,
  messagePath,
  sendMessage as sendAs,
  signupUser,
  storedMessage,
  type TestUser,
  uniqueName,
} from '../support/factories.js';
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

  const expectLimited = (response: { status: number; headers: Record<string, string>; body: unknown }) => {
    expect(response.status).toBe(429);
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(response.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: 'Too many requests; retry after the seconds in the Retry-After header',
      request_id: expect.any(String),
    });
  };

  it('limits login attempts per username, whatever the IP, with 429 and Retry-After', async () => {
    const testApp = await start({ RATE_LIMIT_AUTH_PER_USERNAME: '3', RATE_LIMIT_WINDOW_SECONDS: '60' });
    const target = uniqueName();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await login(testApp, target.toUpperCase())).status);
    expect(statuses).toEqual([401, 401, 401, 429]);

    const limited = await login(testApp, target);
    expectLimited(limited);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
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

  it('limits edits and deletes together per user; the other user is not limited', async () => {
    const testApp = await start({ RATE_LIMIT_EDIT_PER_USER: '3', RATE_LIMIT_WINDOW_SECONDS: '60' });
    const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
    const [first, second] = [await sendAs(testApp, alice, bob, 'one'), await sendAs(testApp, alice, bob, 'two')];
    const bobs = await sendAs(testApp, bob, alice, 'three');
    const edit = (user: TestUser, id: number, message: string) =>
      testApp.api().patch(messagePath(id)).set(bearer(user)).send({ message });

    await edit(alice, first.id, 'one, edited').expect(200);
    await edit(alice, first.id, 'one, edited again').expect(200);
    await testApp.api().delete(messagePath(second.id)).set(bearer(alice)).expect(204);
    expectLimited(await edit(alice, first.id, 'one, edited past the limit'));
    expectLimited(await testApp.api().delete(messagePath(first.id)).set(bearer(alice)));
    expect(await storedMessage(testApp, first.id)).toMatchObject({ body: 'one, edited again', deleted_at: null });

    await edit(bob, bobs.id, 'three, edited').expect(200);
    // Sends count against their own limit.
    await sendAs(testApp, alice, bob, 'still allowed');
  });

  it('limits reactions per user; the other user is not limited', async () => {
    const testApp = await start({ RATE_LIMIT_REACT_PER_USER: '3', RATE_LIMIT_WINDOW_SECONDS: '60' });
    const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
    const message = await sendAs(testApp, alice, bob, 'react to me');
    const react = (user: TestUser, emoji: string, method: 'put' | 'delete' = 'put') =>
      testApp.api()[method](messagePath(message.id, emoji)).set(bearer(user));

    await react(bob, '👍').expect(204);
    await react(bob, '❤️').expect(204);
    await react(bob, '👍', 'delete').expect(204);
    expectLimited(await react(bob, '🎉'));
    expectLimited(await react(bob, '❤️', 'delete'));
    expect((await storedMessage(testApp, message.id)).reactions).toEqual([{ emoji: '❤️', user_ids: [bob.id] }]);

    await react(alice, '🎉').expect(204);
    // Edits count against their own limit.
    await testApp.api().patch(messagePath(message.id)).set(bearer(alice)).send({ message: 'edited' }).expect(200);
  });

  it('limits reports per user; the reported user is not limited, nor are the sends of either', async () => {
    const testApp = await start({ RATE_LIMIT_REPORT_PER_USER: '2', RATE_LIMIT_WINDOW_SECONDS: '60' });
    const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
    const report = (from: TestUser, about: TestUser) =>
      testApp.api().post('/reports').set(bearer(from)).send({ user_id: about.id, reason: 'spam' });

    await report(alice, bob).expect(201);
    await report(alice, bob).expect(201);
    expectLimited(await report(alice, bob));
    const [{ n }] = await testApp.query('SELECT count(*)::int AS n FROM reports WHERE reporter_id = $1', [alice.id]);
    expect(n).toBe(2);

    await report(bob, alice).expect(201);
    await sendAs(testApp, alice, bob, 'sends count apart');
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
