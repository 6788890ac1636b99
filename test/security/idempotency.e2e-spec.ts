/* POST /send with an Idempotency-Key (or client_id): a retry returns the first message, never a copy. */
import { countInconsistentChats } from '../support/chat-consistency.js';
import { bearer, signupUser, type TestUser } from '../support/factories.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

describe('idempotent sends', () => {
  let testApp: TestApp;
  let sender: TestUser;
  let recipient: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp();
    sender = await signupUser(testApp);
    recipient = await signupUser(testApp);
  });

  afterAll(async () => {
    await testApp.close();
  });

  const send = (key: string | undefined, body: Record<string, unknown> = {}, from = sender) => {
    const request = testApp.api().post('/send').set(bearer(from));
    if (key !== undefined) request.set('Idempotency-Key', key);
    return request.send({ user_id: recipient.id, message: 'exactly once', ...body });
  };
  const storedWithKey = async (key: string) =>
    (await testApp.query('SELECT count(*)::int AS n FROM messages WHERE client_key = $1', [key]))[0].n;

  it('returns the first message for a retry with the same key', async () => {
    const first = await send('key-retry-1').expect(201);
    const retry = await send('key-retry-1').expect(201);

    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await storedWithKey('key-retry-1')).toBe(1);
  });

  it('stores one message when twenty sends with one key arrive at once', async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, () => send('key-race-1')));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(await storedWithKey('key-race-1')).toBe(1);
    expect(await countInconsistentChats(testApp)).toBe(0);
  });

  it('accepts the key as a client_id body field too, as the same key', async () => {
    const viaBody = await send(undefined, { client_id: 'key-both-1' }).expect(201);
    const viaHeader = await send('key-both-1').expect(201);
    expect(viaHeader.body.id).toBe(viaBody.body.id);
  });

  it('scopes keys to the sender', async () => {
    const other = await signupUser(testApp);
    const mine = await send('key-shared-1').expect(201);
    const theirs = await send('key-shared-1', {}, other).expect(201);
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it('counts a replayed send once in the unread count', async () => {
    const fresh = await signupUser(testApp);
    const to = { user_id: fresh.id };
    await send('key-count-1', to).expect(201);
    await send('key-count-1', to).expect(201);
    const chats = await testApp.api().get('/chat').set(bearer(fresh)).expect(200);
    expect(chats.body.chats[0].unread_count).toBe(1);
  });

  it.each([
    ['an empty key', '', {}],
    ['a key with spaces', 'has spaces', {}],
    ['a key over 200 characters', 'k'.repeat(201), {}],
    ['a header and client_id that differ', 'key-a', { client_id: 'key-b' }],
  ])('answers 400 for %s', async (_label, key, body) => {
    const response = await send(key, body).expect(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });
});
