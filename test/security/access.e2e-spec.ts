/*
 * Access: every authenticated route, tried with no token, a revoked one, an
 * expired one and the token in each accepted place; and no route lets a third
 * user read or change someone else's conversation.
 */
import type { Test } from 'supertest';
import {
  bearer,
  type MessageBody,
  messagePath,
  sendMessage,
  signupUser,
  storedMessage,
  type TestUser,
} from '../support/factories.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

interface Route {
  method: 'get' | 'post' | 'put' | 'delete';
  /** `reportId`: a report still open, made afresh for each request. */
  path: (peer: TestUser, reportId: number) => string;
  body?: (peer: TestUser) => object;
  ok: number;
  /** Moderators only: `ok` for a moderator, 403 for anyone else. */
  moderator?: true;
}

const ROUTES: Route[] = [
  { method: 'get', path: () => '/current_user', ok: 200 },
  { method: 'get', path: () => '/users', ok: 200 },
  { method: 'get', path: () => '/chat', ok: 200 },
  { method: 'get', path: (peer) => `/chat/${peer.id}`, ok: 200 },
  { method: 'post', path: (peer) => `/read/${peer.id}`, body: () => ({}), ok: 200 },
  { method: 'post', path: () => '/send', body: (peer) => ({ user_id: peer.id, message: 'hi' }), ok: 201 },
  { method: 'post', path: () => '/send_to_all', body: () => ({ message: 'hi all' }), ok: 201 },
  { method: 'get', path: () => '/blocks', ok: 200 },
  { method: 'put', path: (peer) => `/blocks/${peer.id}`, ok: 204 },
  { method: 'delete', path: (peer) => `/blocks/${peer.id}`, ok: 204 },
  { method: 'post', path: () => '/logout', ok: 204 },
  { method: 'post', path: () => '/reports', body: (peer) => ({ user_id: peer.id, reason: 'spam' }), ok: 201 },
  { method: 'get', path: () => '/moderation/reports', ok: 200, moderator: true },
  {
    method: 'post',
    path: (_peer, reportId) => `/moderation/reports/${reportId}/resolve`,
    body: () => ({ action: 'dismiss' }),
    ok: 200,
    moderator: true,
  },
  { method: 'post', path: (peer) => `/moderation/users/${peer.id}/unsuspend`, ok: 204, moderator: true },
  { method: 'get', path: () => '/current_user/export', ok: 200 },
  // Each success deletes the fresh user the test signed up for it (signupUser's default password).
  { method: 'delete', path: () => '/current_user', body: () => ({ password: 'correct horse battery' }), ok: 204 },
];
const name = (route: Route) => `${route.method.toUpperCase()} ${route.path({ id: 0 } as TestUser, 0)}`;

describe('access control', () => {
  let testApp: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let eve: TestUser;
  let forBob: MessageBody;

  beforeAll(async () => {
    testApp = await createTestApp();
    [alice, bob, eve] = [await signupUser(testApp), await signupUser(testApp), await signupUser(testApp)];
    forBob = await sendMessage(testApp, alice, bob, 'for bob only');
    await sendMessage(testApp, bob, alice, 'for alice only');
  });

  afterAll(async () => {
    await testApp.close();
  });

  const openReport = async () =>
    (await testApp.api().post('/reports').set(bearer(alice)).send({ user_id: bob.id, reason: 'spam' }).expect(201)).body
      .id as number;

  // Not async: a supertest request is a thenable, which an async function would run and unwrap.
  const call = (route: Route, peer: TestUser, reportId: number) => {
    const request = testApp.api()[route.method](route.path(peer, reportId));
    return route.body ? request.send(route.body(peer)) : request;
  };

  describe.each(ROUTES.map((route) => [name(route), route] as const))('%s', (_name, route) => {
    it('answers 401 without a token, with a revoked token and with an expired one', async () => {
      // RFC 6750 §3: the challenge names the scheme, and an error only when a token was sent and failed.
      const missing = await call(route, bob, await openReport()).expect(401);
      expect(missing.headers['www-authenticate']).toBe('Bearer realm="parley"');

      const revoked = await signupUser(testApp);
      await testApp.api().post('/logout').set(bearer(revoked)).expect(204);
      const refused = await call(route, bob, await openReport())
        .set(bearer(revoked))
        .expect(401);
      expect(refused.headers['www-authenticate']).toBe('Bearer realm="parley", error="invalid_token"');

      const expired = await signupUser(testApp);
      await testApp.query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [
        expired.id,
      ]);
      await call(route, bob, await openReport())
        .set(bearer(expired))
        .expect(401);
    });

    it('accepts the token as a Bearer header, a token query parameter and a token body field', async () => {
      for (const place of ['header', 'query', 'body'] as const) {
        const user = await signupUser(testApp);
        if (route.moderator) await testApp.query(`UPDATE users SET role = 'moderator' WHERE id = $1`, [user.id]);
        const request = testApp.api()[route.method](route.path(bob, await openReport()));
        if (place === 'header') request.set(bearer(user));
        if (place === 'query') request.query({ token: user.token });
        const body = route.body?.(bob);
        await request.send(place === 'body' ? { ...body, token: user.token } : body).expect(route.ok);
      }
    });

    if (route.moderator) {
      it('answers 403 to a live token of anyone but a moderator', async () => {
        const user = await signupUser(testApp);
        const refused = await call(route, bob, await openReport())
          .set(bearer(user))
          .expect(403);
        expect(refused.body).toMatchObject({ statusCode: 403, message: 'Only moderators can do this' });
      });
    }
  });

  it('shows a third user nothing of a conversation between two others', async () => {
    const history = await testApp.api().get(`/chat/${bob.id}`).set(bearer(eve)).expect(200);
    expect(history.body.messages).toEqual([]);
    const chats = await testApp.api().get('/chat').set(bearer(eve)).expect(200);
    expect(chats.body.chats.map((c: { user_id: number }) => c.user_id)).not.toContain(bob.id);
    const users = await testApp.api().get('/users').set(bearer(eve)).expect(200);
    expect(JSON.stringify(users.body)).not.toMatch(/@example\.com/);
  });

  it("shows nobody else who a user blocked, and a third user's block changes nothing between two others", async () => {
    await testApp.api().put(`/blocks/${eve.id}`).set(bearer(alice)).expect(204);
    await testApp.api().put(`/blocks/${bob.id}`).set(bearer(eve)).expect(204);
    for (const user of [bob, eve]) {
      const blocked = await testApp.api().get('/blocks').set(bearer(user)).expect(200);
      expect(blocked.body.users.map((u: { id: number }) => u.id)).not.toContain(alice.id);
      expect(blocked.body.users.map((u: { id: number }) => u.id)).not.toContain(eve.id);
    }
    // Eve lifting Alice's block of her is a no-op: a block is only its blocker's to lift.
    await testApp.api().delete(`/blocks/${alice.id}`).set(bearer(eve)).expect(204);
    await testApp.api().post('/send').set(bearer(eve)).send({ user_id: alice.id, message: 'x' }).expect(403);
    await testApp.api().delete(`/blocks/${eve.id}`).set(bearer(alice)).expect(204);
    await testApp.api().delete(`/blocks/${bob.id}`).set(bearer(eve)).expect(204);
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

  describe('the routes that change a message', () => {
    // Each route on a message id, as `user`; POST /send refers to the message as a reply's parent.
    const messageRoutes: [string, (user: TestUser, messageId: number) => Test][] = [
      [
        'PATCH /messages/{id}',
        (user, id) => testApp.api().patch(messagePath(id)).set(bearer(user)).send({ message: 'x' }),
      ],
      ['DELETE /messages/{id}', (user, id) => testApp.api().delete(messagePath(id)).set(bearer(user))],
      [
        'PUT /messages/{id}/reactions/{emoji}',
        (user, id) => testApp.api().put(messagePath(id, '👍')).set(bearer(user)),
      ],
      [
        'DELETE /messages/{id}/reactions/{emoji}',
        (user, id) => testApp.api().delete(messagePath(id, '👍')).set(bearer(user)),
      ],
      [
        'POST /send with reply_to_id',
        (user, id) =>
          testApp.api().post('/send').set(bearer(user)).send({ user_id: alice.id, message: 'x', reply_to_id: id }),
      ],
    ];
    // The answer without what names the request: its id in the message, and its request id.
    const shapeOf = (body: { message: string }) => ({
      ...body,
      message: body.message.replace(/\d+$/, '{id}'),
      request_id: 'x',
    });

    it.each(messageRoutes)('%s answers 401 without a token', async (_name, route) => {
      const response = await route({ token: '' } as TestUser, forBob.id);
      expect(response.status).toBe(401);
    });

    it.each(messageRoutes)(
      '%s: a third user gets 404 for a message of someone else, exactly as for an id that does not exist',
      async (_name, route) => {
        const [{ next }] = await testApp.query('SELECT max(id)::int + 1000 AS next FROM messages');
        const unseen = await route(eve, forBob.id);
        const missing = await route(eve, next);
        expect([unseen.status, missing.status]).toEqual([404, 404]);
        expect(shapeOf(unseen.body)).toEqual(shapeOf(missing.body));
        expect(await storedMessage(testApp, forBob.id)).toMatchObject({
          body: 'for bob only',
          edited_at: null,
          deleted_at: null,
          reactions: null,
        });
      },
    );

    it('the recipient gets 403 on PATCH and DELETE of a message they did not send, and may only react', async () => {
      const edit = await testApp.api().patch(messagePath(forBob.id)).set(bearer(bob)).send({ message: 'forged' });
      expect(edit.status).toBe(403);
      expect(edit.body).toMatchObject({ statusCode: 403, message: 'Only its sender can edit a message' });
      const remove = await testApp.api().delete(messagePath(forBob.id)).set(bearer(bob));
      expect(remove.status).toBe(403);
      expect(remove.body).toMatchObject({ statusCode: 403, message: 'Only its sender can delete a message' });
      expect(await storedMessage(testApp, forBob.id)).toMatchObject({ body: 'for bob only', deleted_at: null });

      await testApp.api().put(messagePath(forBob.id, '👍')).set(bearer(bob)).expect(204);
      await testApp.api().delete(messagePath(forBob.id, '👍')).set(bearer(bob)).expect(204);
      expect((await storedMessage(testApp, forBob.id)).reactions).toBeNull();
    });
  });
});
