/* POST /send with an Idempotency-Key (or client_id), through the SDK: a retry returns the first message, never a copy. */
import { listChats, type SendMessageDto, sendMessage } from '@parley/client';
import { countInconsistentChats } from '../support/chat-consistency.js';
import { signupUser, type TestUser } from '../support/factories.js';
import { listenForSdk, type SdkTarget } from '../support/sdk-client.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

describe('idempotent sends', () => {
  let testApp: TestApp;
  let sdk: SdkTarget;
  let sender: TestUser;
  let recipient: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp();
    sdk = await listenForSdk(testApp);
    sender = await signupUser(testApp);
    recipient = await signupUser(testApp);
  });

  afterAll(async () => {
    await testApp.close();
  });

  const send = (key: string | undefined, body: Partial<SendMessageDto> = {}, from = sender) =>
    sendMessage({
      client: sdk.as(from),
      headers: key === undefined ? {} : { 'Idempotency-Key': key },
      body: { user_id: recipient.id, message: 'exactly once', ...body },
    });
  const storedWithKey = async (key: string) =>
    (await testApp.query('SELECT count(*)::int AS n FROM messages WHERE client_key = $1', [key]))[0].n;

  it('returns the first message for a retry with the same key', async () => {
    const first = await send('key-retry-1');
    const retry = await send('key-retry-1');

    expect([first.response.status, retry.response.status]).toEqual([201, 201]);
    expect(retry.data).toEqual(first.data);
    expect(retry.response.headers.get('idempotent-replayed')).toBe('true');
    expect(first.response.headers.get('idempotent-replayed')).toBeNull();
    expect(await storedWithKey('key-retry-1')).toBe(1);
  });

  it('stores one message when twenty sends with one key arrive at once', async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, () => send('key-race-1')));
    expect(responses.map((r) => r.response.status)).toEqual(Array(20).fill(201));
    expect(new Set(responses.map((r) => r.data?.id)).size).toBe(1);
    expect(await storedWithKey('key-race-1')).toBe(1);
    expect(await countInconsistentChats(testApp)).toBe(0);
  });

  it('accepts the key as a client_id body field too, as the same key', async () => {
    const viaBody = await send(undefined, { client_id: 'key-both-1' });
    const viaHeader = await send('key-both-1');
    expect([viaBody.response.status, viaHeader.response.status]).toEqual([201, 201]);
    expect(viaHeader.data?.id).toBe(viaBody.data?.id);
  });

  it('scopes keys to the sender', async () => {
    const other = await signupUser(testApp);
    const mine = await send('key-shared-1');
    const theirs = await send('key-shared-1', {}, other);
    expect([mine.response.status, theirs.response.status]).toEqual([201, 201]);
    expect(theirs.data?.id).not.toBe(mine.data?.id);
  });

  it('counts a replayed send once in the unread count', async () => {
    const fresh = await signupUser(testApp);
    const to = { user_id: fresh.id };
    expect((await send('key-count-1', to)).response.status).toBe(201);
    expect((await send('key-count-1', to)).response.status).toBe(201);
    const { data: chats } = await listChats({ client: sdk.as(fresh), throwOnError: true });
    expect(chats.chats[0].unread_count).toBe(1);
  });

  it.each([
    ['an empty key', '', {}],
    ['a key with spaces', 'has spaces', {}],
    ['a key over 200 characters', 'k'.repeat(201), {}],
    ['a header and client_id that differ', 'key-a', { client_id: 'key-b' }],
  ])('answers 400 for %s', async (_label, key, body) => {
    const { response, error } = await send(key, body);
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });
});
