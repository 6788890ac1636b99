/* The original service's acceptance story, end to end through the SDK a frontend team would use. */
import {
  createClient,
  getChatHistory,
  listChats,
  listUsers,
  login,
  logout,
  markChatRead,
  sendMessage,
  signup,
} from '@parley/client';
import { listenForSdk, type SdkTarget } from './support/sdk-client.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('the seed scenario', () => {
  let testApp: TestApp;
  let sdk: SdkTarget;

  beforeAll(async () => {
    testApp = await createTestApp();
    sdk = await listenForSdk(testApp);
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('user_1 messages user_2, who sees it unread, opens it and marks it read', async () => {
    const client = sdk.anonymous;
    const password = 'password-of-user';

    const user1Signup = await signup({
      client,
      body: { username: 'user_1', email: 'user_1@example.com', password_1: password, password_2: password },
      throwOnError: true,
    });
    expect(user1Signup.response.status).toBe(201);
    const loggedOut = await logout({ client: sdk.as(user1Signup.data), throwOnError: true });
    expect(loggedOut.response.status).toBe(204);

    const { data: user2Session } = await signup({
      client,
      body: { username: 'user_2', email: 'user_2@example.com', password_1: password, password_2: password },
      throwOnError: true,
    });
    const user2 = { id: user2Session.user.id, token: user2Session.token };

    const loggedIn = await login({ client, body: { username: 'user_1', password }, throwOnError: true });
    expect(loggedIn.response.status).toBe(200);
    const user1 = { id: loggedIn.data.user.id, token: loggedIn.data.token };
    const [as1, as2] = [sdk.as(user1), sdk.as(user2)];

    const { data: active } = await listUsers({ client: as1, query: { type: 'active' }, throwOnError: true });
    const found = active.users.find((u) => u.username === 'user_2');
    expect(found).toMatchObject({ id: user2.id, active: true });

    const sent = await sendMessage({
      client: as1,
      body: { user_id: found!.id, message: 'Hello, user_2' },
      throwOnError: true,
    });
    expect(sent.response.status).toBe(201);
    expect(sent.data).toMatchObject({
      sender_id: user1.id,
      recipient_id: user2.id,
      message: 'Hello, user_2',
      read: false,
    });

    const { data: chats } = await listChats({ client: as2, throwOnError: true });
    expect(chats.chats).toEqual([
      expect.objectContaining({ user_id: user1.id, username: 'user_1', unread_count: 1, last_message: sent.data }),
    ]);

    const { data: history } = await getChatHistory({ client: as2, path: { user_id: user1.id }, throwOnError: true });
    expect(history.messages.map((m) => m.message)).toEqual(['Hello, user_2']);

    const read = await markChatRead({ client: as2, path: { user_id: user1.id }, throwOnError: true });
    expect([read.response.status, read.data]).toEqual([200, { updated: 1 }]);

    const { data: after } = await listChats({ client: as2, throwOnError: true });
    expect(after.chats[0].unread_count).toBe(0);
    for (const [viewer, peer] of [
      [user2, user1],
      [user1, user2],
    ]) {
      const { data: seen } = await getChatHistory({
        client: sdk.as(viewer),
        path: { user_id: peer.id },
        throwOnError: true,
      });
      expect(seen.messages[0]).toMatchObject({ id: sent.data.id, read: true });
      expect(seen.messages[0].read_at).toEqual(expect.any(String));
    }
  });

  it('sends the token in the Authorization header only, never in a URL where proxies and logs keep it', async () => {
    const password = 'password-of-user';
    const { data: session } = await signup({
      client: sdk.anonymous,
      body: { username: 'url_check', email: 'url_check@example.com', password_1: password, password_2: password },
      throwOnError: true,
    });
    const sent: Request[] = [];
    const client = createClient({
      baseUrl: sdk.baseUrl,
      auth: session.token,
      // The SDK hands its fetch one Request, built with the URL and headers it chose.
      fetch: (input: string | URL | Request, init?: RequestInit) => {
        const request = new Request(input, init);
        sent.push(request.clone());
        return fetch(request);
      },
    });

    await listChats({ client, query: { limit: 5 }, throwOnError: true });
    await listUsers({ client, query: { type: 'active' }, throwOnError: true });

    expect(sent).toHaveLength(2);
    for (const request of sent) {
      expect(request.url).not.toContain(session.token);
      expect(new URL(request.url).searchParams.has('token')).toBe(false);
      expect(request.headers.get('authorization')).toBe(`Bearer ${session.token}`);
    }
  });
});
