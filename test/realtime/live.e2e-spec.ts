/*
 * Live updates over real sockets against the real app (one process, the
 * in-memory adapter): who receives what, and when sockets are refused or ended.
 */
import { jest } from '@jest/globals';
import { RealtimeGateway } from '../../src/realtime/realtime.gateway.js';
import { bearer, signupUser, type TestUser } from '../support/factories.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import {
  connectSocket,
  disconnection,
  Inbox,
  listen,
  nextEvent,
  openSocket,
  refusalOf,
  type TestSocket,
} from './sockets.js';

const ALLOWED_ORIGIN = 'https://app.example.com';
const TYPING_PER_USER = 5;
const MAX_SOCKETS = 4;

describe('live updates (Socket.IO)', () => {
  let testApp: TestApp;
  let url: string;
  const sockets: TestSocket[] = [];

  const open = async (user: Pick<TestUser, 'token'>) => {
    const socket = await connectSocket(url, user.token);
    sockets.push(socket);
    return socket;
  };

  /** Waits until `to` received a typing event from `from`: every event emitted before it has arrived too. */
  const barrier = async (from: TestSocket, to: TestSocket, toUser: TestUser) => {
    const arrived = nextEvent(to, 'typing');
    expect(await from.emitWithAck('typing', { user_id: toUser.id, typing: true })).toEqual({ ok: true });
    await arrived;
  };

  beforeAll(async () => {
    testApp = await createTestApp({
      env: {
        CORS_ORIGINS: ALLOWED_ORIGIN,
        RATE_LIMIT_TYPING_PER_USER: String(TYPING_PER_USER),
        REALTIME_MAX_SOCKETS_PER_USER: String(MAX_SOCKETS),
        PRESENCE_GRACE_MS: '200',
      },
    });
    url = await listen(testApp);
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  afterAll(() => testApp.close());

  describe('handshake', () => {
    it('refuses a missing, unknown or revoked token with the API error shape (401)', async () => {
      const user = await signupUser(testApp);
      await testApp.api().post('/logout').set(bearer(user)).expect(204);
      for (const token of [undefined, 'x'.repeat(43), user.token]) {
        const refusal = await refusalOf(openSocket(url, token));
        expect(refusal.data).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.any(String) });
      }
    });

    it('takes the token from `auth` or from Authorization: Bearer', async () => {
      const user = await signupUser(testApp);
      sockets.push(await connectSocket(url, user.token));
      sockets.push(await connectSocket(url, undefined, { headers: bearer(user) }));
    });

    it('refuses a browser Origin that CORS_ORIGINS does not list, and accepts one it lists', async () => {
      const user = await signupUser(testApp);
      const refusal = await refusalOf(openSocket(url, user.token, { headers: { Origin: 'https://evil.example' } }));
      expect(refusal.message).toBe('websocket error');
      sockets.push(await connectSocket(url, user.token, { headers: { Origin: ALLOWED_ORIGIN } }));
    });

    it(`refuses a user's socket beyond ${MAX_SOCKETS} (429)`, async () => {
      const user = await signupUser(testApp);
      for (let i = 0; i < MAX_SOCKETS; i++) await open(user);
      const refusal = await refusalOf(openSocket(url, user.token));
      expect(refusal.data?.statusCode).toBe(429);
    });
  });

  describe('messages', () => {
    it('reach every device of both users, as the MessageDto POST /send returned, and nothing reaches a third user', async () => {
      const [alice, bob, carol] = [await signupUser(testApp), await signupUser(testApp), await signupUser(testApp)];
      const devices = [await open(alice), await open(alice), await open(bob), await open(bob)];
      const carolSocket = await open(carol);
      const carolInbox = new Inbox(carolSocket);
      const arrivals = devices.map((socket) => nextEvent(socket, 'message.new'));
      const sent = await testApp
        .api()
        .post('/send')
        .set(bearer(alice))
        .send({ user_id: bob.id, message: 'hi' })
        .expect(201);
      for (const payload of await Promise.all(arrivals)) expect(payload).toEqual(sent.body);
      await barrier(devices[0], carolSocket, carol);
      expect(carolInbox.events.map(([name]) => name)).toEqual(['typing']);
    });

    it('skip the socket named in X-Socket-Id, on a send and on a read, and reach every other one', async () => {
      const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
      const [aliceHere, aliceThere, bobSocket] = [await open(alice), await open(alice), await open(bob)];
      const [hereInbox, bobInbox] = [new Inbox(aliceHere), new Inbox(bobSocket)];

      const arrivals = [nextEvent(aliceThere, 'message.new'), nextEvent(bobSocket, 'message.new')];
      const sent = await testApp
        .api()
        .post('/send')
        .set({ ...bearer(alice), 'X-Socket-Id': aliceHere.id! })
        .send({ user_id: bob.id, message: 'from here' })
        .expect(201);
      for (const payload of await Promise.all(arrivals)) expect(payload).toEqual(sent.body);

      const receipts = [nextEvent(aliceHere, 'message.read'), nextEvent(aliceThere, 'message.read')];
      await testApp
        .api()
        .post(`/read/${alice.id}`)
        .set({ ...bearer(bob), 'X-Socket-Id': bobSocket.id! })
        .expect(200, { updated: 1 });
      await Promise.all(receipts);

      await barrier(bobSocket, aliceHere, alice);
      await barrier(aliceHere, bobSocket, bob);
      expect(hereInbox.named('message.new')).toEqual([]);
      expect(bobInbox.named('message.read')).toEqual([]);
    });

    it('announce a replayed idempotent send once', async () => {
      const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
      const aliceSocket = await open(alice);
      const bobSocket = await open(bob);
      const inbox = new Inbox(bobSocket);
      for (let i = 0; i < 3; i++) {
        await testApp
          .api()
          .post('/send')
          .set({ ...bearer(alice), 'Idempotency-Key': 'retry-1' })
          .send({ user_id: bob.id, message: 'once' })
          .expect(201);
      }
      await barrier(aliceSocket, bobSocket, bob);
      expect(inbox.named('message.new')).toHaveLength(1);
    });

    it('send a read receipt to both users, up to the highest id read', async () => {
      const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
      const [aliceSocket, bobSocket] = [await open(alice), await open(bob)];
      let last = 0;
      for (let i = 0; i < 3; i++) {
        last = (
          await testApp
            .api()
            .post('/send')
            .set(bearer(alice))
            .send({ user_id: bob.id, message: `m${i}` })
        ).body.id;
      }
      const receipts = [nextEvent(aliceSocket, 'message.read'), nextEvent(bobSocket, 'message.read')];
      await testApp.api().post(`/read/${alice.id}`).set(bearer(bob)).expect(200, { updated: 3 });
      for (const receipt of await Promise.all(receipts)) {
        expect(receipt).toEqual({
          reader_id: bob.id,
          sender_id: alice.id,
          up_to_id: last,
          read_at: expect.any(String),
        });
      }
    });

    it('fan a broadcast out as one emit to everyone but the sender, with a 140-character preview', async () => {
      const [alice, bob, carol] = [await signupUser(testApp), await signupUser(testApp), await signupUser(testApp)];
      const aliceSocket = await open(alice);
      const others = [await open(bob), await open(carol)];
      const aliceInbox = new Inbox(aliceSocket);
      const server = testApp.app.get(RealtimeGateway).server;
      const broadcasts = jest.spyOn(server.sockets.adapter, 'broadcast');
      const arrivals = others.map((socket) => nextEvent(socket, 'broadcast.new'));
      const text = `${'é'.repeat(139)}😀 and more`;
      await testApp.api().post('/send_to_all').set(bearer(alice)).send({ message: text }).expect(201);
      for (const event of await Promise.all(arrivals)) {
        expect(event).toEqual({ sender_id: alice.id, preview: `${'é'.repeat(139)}😀`, created: expect.any(String) });
      }
      // Other tests' presence timers broadcast too: count only the emits that carry this event.
      const broadcastEmits = broadcasts.mock.calls.filter(([packet]) => packet.data?.[0] === 'broadcast.new');
      expect(broadcastEmits).toHaveLength(1);
      broadcasts.mockRestore();
      await barrier(others[0], aliceSocket, alice);
      expect(aliceInbox.named('broadcast.new')).toEqual([]);
    });
  });

  describe('message changes', () => {
    it('reach both users’ sockets, but not the requesting one, nor a third user’s', async () => {
      const [alice, bob, carol] = [await signupUser(testApp), await signupUser(testApp), await signupUser(testApp)];
      const [aliceHere, aliceThere, bobSocket, carolSocket] = [
        await open(alice),
        await open(alice),
        await open(bob),
        await open(carol),
      ];
      const [hereInbox, carolInbox] = [new Inbox(aliceHere), new Inbox(carolSocket)];
      const sent = await testApp
        .api()
        .post('/send')
        .set(bearer(alice))
        .send({ user_id: bob.id, message: 'first draft' })
        .expect(201);
      const fromHere = { ...bearer(alice), 'X-Socket-Id': aliceHere.id! };

      const updates = [nextEvent(aliceThere, 'message.updated'), nextEvent(bobSocket, 'message.updated')];
      const edited = await testApp
        .api()
        .patch(`/messages/${sent.body.id}`)
        .set(fromHere)
        .send({ message: 'final draft' })
        .expect(200);
      for (const payload of await Promise.all(updates)) expect(payload).toEqual(edited.body);

      const reactions = [nextEvent(aliceHere, 'message.updated'), nextEvent(aliceThere, 'message.updated')];
      await testApp
        .api()
        .put(`/messages/${sent.body.id}/reactions/${encodeURIComponent('👍')}`)
        .set({ ...bearer(bob), 'X-Socket-Id': bobSocket.id! })
        .expect(204);
      for (const payload of await Promise.all(reactions)) {
        expect(payload).toEqual({ ...edited.body, reactions: [{ emoji: '👍', user_ids: [bob.id] }] });
      }

      const deletions = [nextEvent(aliceThere, 'message.deleted'), nextEvent(bobSocket, 'message.deleted')];
      await testApp.api().delete(`/messages/${sent.body.id}`).set(fromHere).expect(204);
      for (const payload of await Promise.all(deletions)) {
        expect(payload).toEqual({
          id: sent.body.id,
          sender_id: alice.id,
          recipient_id: bob.id,
          deleted_at: expect.any(String),
        });
      }

      await barrier(bobSocket, aliceHere, alice);
      await barrier(bobSocket, carolSocket, carol);
      expect(hereInbox.named('message.updated')).toHaveLength(1); // bob's reaction only
      expect(hereInbox.named('message.deleted')).toEqual([]);
      expect(carolInbox.events.map(([name]) => name)).toEqual(['typing']);
    });

    it('are not announced when nothing changed', async () => {
      const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
      const [aliceSocket, bobSocket] = [await open(alice), await open(bob)];
      const inbox = new Inbox(bobSocket);
      const sent = await testApp.api().post('/send').set(bearer(alice)).send({ user_id: bob.id, message: 'same' });
      const id = sent.body.id as number;
      const thumb = encodeURIComponent('👍');

      await testApp.api().patch(`/messages/${id}`).set(bearer(alice)).send({ message: 'same' }).expect(200);
      await testApp.api().delete(`/messages/${id}/reactions/${thumb}`).set(bearer(alice)).expect(204);
      await testApp.api().put(`/messages/${id}/reactions/${thumb}`).set(bearer(alice)).expect(204);
      await testApp.api().put(`/messages/${id}/reactions/${thumb}`).set(bearer(alice)).expect(204);
      await testApp.api().delete(`/messages/${id}`).set(bearer(alice)).expect(204);
      await testApp.api().delete(`/messages/${id}`).set(bearer(alice)).expect(204);

      await barrier(aliceSocket, bobSocket, bob);
      expect(inbox.events.map(([name]) => name)).toEqual([
        'message.new',
        'message.updated',
        'message.deleted',
        'typing',
      ]);
    });
  });

  describe('typing', () => {
    it('reaches the peer, acknowledged; bad payloads get 400 and unknown users 404, and the socket lives on', async () => {
      const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
      const [aliceSocket, bobSocket] = [await open(alice), await open(bob)];
      const typing = nextEvent(bobSocket, 'typing');
      expect(await aliceSocket.emitWithAck('typing', { user_id: bob.id, typing: true })).toEqual({ ok: true });
      expect(await typing).toEqual({ user_id: alice.id, typing: true });
      const bad = [{ user_id: 'bob', typing: 1 }, { user_id: bob.id, typing: true, extra: 1 }, 'x', null, [1, 2]];
      for (const payload of bad) {
        const answer = await aliceSocket.emitWithAck('typing', payload as never);
        expect(answer).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      }
      expect(await aliceSocket.emitWithAck('typing', { user_id: 2_000_000_000, typing: true })).toMatchObject({
        statusCode: 404,
      });
      expect(aliceSocket.connected).toBe(true);
    });

    it(`is limited to ${TYPING_PER_USER} per user per window (429), across the user's sockets`, async () => {
      const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
      const aliceSockets = [await open(alice), await open(alice)];
      const answers = [];
      for (let i = 0; i < TYPING_PER_USER + 2; i++) {
        answers.push(await aliceSockets[i % 2].emitWithAck('typing', { user_id: bob.id, typing: i % 2 === 0 }));
      }
      expect(answers.slice(0, TYPING_PER_USER)).toEqual(Array(TYPING_PER_USER).fill({ ok: true }));
      for (const answer of answers.slice(TYPING_PER_USER)) expect(answer).toMatchObject({ statusCode: 429 });
    });
  });

  describe('presence', () => {
    it('tells a watcher the current state, then online and (after the grace period) offline', async () => {
      const [watcher, bob] = [await signupUser(testApp), await signupUser(testApp)];
      const watcherSocket = await open(watcher);
      const current = nextEvent(watcherSocket, 'presence');
      expect(await watcherSocket.emitWithAck('presence.watch', { user_ids: [bob.id] })).toEqual({ ok: true });
      expect(await current).toMatchObject({ user_id: bob.id, online: false });
      const online = nextEvent(watcherSocket, 'presence');
      const bobSocket = await open(bob);
      expect(await online).toMatchObject({ user_id: bob.id, online: true });
      const offline = nextEvent(watcherSocket, 'presence');
      bobSocket.close();
      expect(await offline).toEqual({ user_id: bob.id, online: false, last_seen_at: expect.any(String) });
    });

    it('refuses an unknown user (404) and a list over 200 (400)', async () => {
      const watcher = await signupUser(testApp);
      const socket = await open(watcher);
      expect(await socket.emitWithAck('presence.watch', { user_ids: [2_000_000_000] })).toMatchObject({
        statusCode: 404,
      });
      const tooMany = Array.from({ length: 201 }, (_, i) => i + 1);
      expect(await socket.emitWithAck('presence.watch', { user_ids: tooMany })).toMatchObject({ statusCode: 400 });
    });
  });

  describe('sessions', () => {
    it('logout ends that session’s sockets with session.revoked, and no other session’s', async () => {
      const user = await signupUser(testApp);
      const other = (await testApp.api().post('/login').send({ username: user.username, password: user.password })).body
        .token as string;
      const [ending, staying] = [await open(user), await open({ token: other })];
      const revoked = nextEvent(ending, 'session.revoked');
      const closed = disconnection(ending);
      await testApp.api().post('/logout').set(bearer(user)).expect(204);
      expect(await revoked).toEqual({ reason: 'logout' });
      expect(await closed).toBe('io server disconnect');
      expect(staying.connected).toBe(true);
    });

    it('logout everywhere ends every session’s sockets', async () => {
      const user = await signupUser(testApp);
      const other = (await testApp.api().post('/login').send({ username: user.username, password: user.password })).body
        .token as string;
      const all = [await open(user), await open({ token: other })];
      const events = all.map((socket) => Promise.all([nextEvent(socket, 'session.revoked'), disconnection(socket)]));
      await testApp.api().post('/logout?all=true').set(bearer(user)).expect(204);
      for (const [event, reason] of await Promise.all(events)) {
        expect(event).toEqual({ reason: 'logout_all' });
        expect(reason).toBe('io server disconnect');
      }
    });

    it('a password change ends every other session’s sockets, not the current one’s', async () => {
      const user = await signupUser(testApp);
      const other = (await testApp.api().post('/login').send({ username: user.username, password: user.password })).body
        .token as string;
      const [current, ending] = [await open(user), await open({ token: other })];
      const currentInbox = new Inbox(current);
      const revoked = nextEvent(ending, 'session.revoked');
      const closed = disconnection(ending);
      await testApp
        .api()
        .post('/password')
        .set(bearer(user))
        .send({ current_password: user.password, new_password_1: 'a new password', new_password_2: 'a new password' })
        .expect(204);
      expect(await revoked).toEqual({ reason: 'password_changed' });
      expect(await closed).toBe('io server disconnect');
      const peer = await signupUser(testApp);
      await barrier(await open(peer), current, user);
      expect(currentInbox.named('session.revoked')).toEqual([]);
      expect(current.connected).toBe(true);
    });

    it('expiry ends a socket with session.expired when its session reaches expires_at', async () => {
      const user = await signupUser(testApp);
      await testApp.query(`UPDATE sessions SET expires_at = now() + interval '1500 milliseconds' WHERE user_id = $1`, [
        user.id,
      ]);
      const socket = await open(user);
      const expired = nextEvent(socket, 'session.expired');
      const closed = disconnection(socket);
      expect(await expired).toEqual({});
      expect(await closed).toBe('io server disconnect');
      expect((await refusalOf(openSocket(url, user.token))).data?.statusCode).toBe(401);
    });
  });
});
