/*
 * Access: every authenticated route, tried with no token, a revoked one, an
 * expired one and the token in each accepted place; and no route lets a third
 * user read or change someone else's conversation.
 */
import { bearer, sendMessage, signupUser, type TestUser } from '../support/factories.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

interface Route {
  method: 'get' | 'post';
  path: (peer: TestUser) => string;
  body?: (peer: TestUser) => object;
  ok: number;
}

const ROUTES: Route[] = [
  { method: 'get', path: () => '/current_user', ok: 200 },
  { method: 'get', path: () => '/users', ok: 200 },
  { method: 'get', path: () => '/chat', ok: 200 },
  { method: 'get', path: (peer) => `/chat/${peer.id}`, ok: 200 },
  { method: 'post', path: (peer) => `/read/${peer.id}`, body: () => ({}), ok: 200 },
  { method: 'post', path: () => '/send', body: (peer) => ({ user_id: peer.id, message: 'hi' }), ok: 201 },
  { method: 'post', path: () => '/send_to_all', body: () => ({ message: 'hi all' }), ok: 201 },
  { method: 'post', path: () => '/logout', ok: 204 },
];
const name = (route: Route) => `${route.method.toUpperCase()} ${route.path({ id: 0 } as TestUser)}`;

describe('access control', () => {
  let testApp: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let eve: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp();
    [alice, bob, eve] = [await signupUser(testApp), await signupUser(testApp), await signupUser(testApp)];
    await sendMessage(testApp, alice, bob, 'for bob only');
    await sendMessage(testApp, bob, alice, 'for alice only');
  });

  afterAll(async () => {
    await testApp.close();
  });

  const call = (route: Route, peer: TestUser) => {
    const request = testApp.api()[route.method](route.path(peer));
    return route.body ? request.send(route.body(peer)) : request;
  };

  describe.each(ROUTES.map((route) => [name(route), route] as const))('%s', (_name, route) => {
    it('answers 401 without a token, with a revoked token and with an expired one', async () => {
      // RFC 6750 §3: the challenge names the scheme, and an error only when a token was sent and failed.
      const missing = await call(route, bob).expect(401);
      expect(missing.headers['www-authenticate']).toBe('Bearer realm="parley"');

      const revoked = await signupUser(testApp);
      await testApp.api().post('/logout').set(bearer(revoked)).expect(204);
      const refused = await call(route, bob).set(bearer(revoked)).expect(401);
      expect(refused.headers['www-authenticate']).toBe('Bearer realm="parley", error="invalid_token"');

      const expired = await signupUser(testApp);
      await testApp.query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [
        expired.id,
      ]);
      await call(route, bob).set(bearer(expired)).expect(401);
    });

    it('accepts the token as a Bearer header, a token query parameter and a token body field', async () => {
      for (const place of ['header', 'query', 'body'] as const) {
        const user = await signupUser(testApp);
        const request = testApp.api()[route.method](route.path(bob));
        if (place === 'header') request.set(bearer(user));
        if (place === 'query') request.query({ token: user.token });
        const body = route.body?.(bob);
        await request.send(place === 'body' ? { ...body, token: user.token } : body).expect(route.ok);
      }
    });
  });

  it('shows a third user nothing of a conversation between two others', async () => {
    const history = await testApp.api().get(`/chat/${bob.id}`).set(bearer(eve)).expect(200);
    expect(history.body.messages).toEqual([]);
    const chats = await testApp.api().get('/chat').set(bearer(eve)).expect(200);
    expect(chats.body.chats.map((c: { user_id: number }) => c.user_id)).not.toContain(bob.id);
    const users = await testApp.api().get('/users').set(bearer(eve)).expect(200);
    expect(JSON.stringify(users.body)).not.toMatch(/@example\.com/);
  });

  it('lets a third user mark nothing read in a conversation between two others', async () => {
    await testApp.api().post(`/read/${alice.id}`).set(bearer(eve)).send({}).expect(200, { updated: 0 });
    const bobChats = await testApp.api().get('/chat').set(bearer(bob)).expect(200);
    expect(bobChats.body.chats.find((c: { user_id: number }) => c.user_id === alice.id).unread_count).toBe(1);
  });

  it('never lets one user send as another: the sender is always the token’s owner', async () => {
    const sent = await testApp
      .api()
      .post('/send')
      .set(bearer(eve))
      .send({ user_id: bob.id, message: 'spoof', sender_id: alice.id })
      .expect(400);
    expect(sent.body.details).toContainEqual({ field: 'sender_id', errors: ['property sender_id should not exist'] });
  });
});
