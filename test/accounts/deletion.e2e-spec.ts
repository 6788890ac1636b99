/*
 * DELETE /current_user: what is erased (read back from the tables themselves), what is kept for the peers,
 * how the peers see the account afterwards, and that its name and email are free again.
 */
import { countInconsistentChats } from '../support/chat-consistency.js';
import { bearer, messagePath, type MessageBody, sendMessage, signupUser, type TestUser } from '../support/factories.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { connectSocket, disconnection, listen, nextEvent, type TestSocket } from '../realtime/sockets.js';

interface ChatItem {
  user_id: number;
  username: string;
  deleted: boolean;
  unread_count: number;
}

describe('account deletion', () => {
  let testApp: TestApp;
  let url: string;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    testApp = await createTestApp();
    url = await listen(testApp);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await testApp.close();
  });

  const deleteAccount = (user: TestUser, password = user.password) =>
    testApp.api().delete('/current_user').set(bearer(user)).send({ password });
  const chatsOf = async (user: TestUser): Promise<ChatItem[]> =>
    (await testApp.api().get('/chat').set(bearer(user)).expect(200)).body.chats;
  const react = (user: TestUser, message: MessageBody, emoji: string) =>
    testApp.api().put(messagePath(message.id, emoji)).set(bearer(user)).expect(204);

  it('refuses a wrong password with 403 in the error shape, and changes nothing', async () => {
    const user = await signupUser(testApp);
    const response = await deleteAccount(user, 'not the password').expect(403);
    expect(response.body).toEqual(
      expect.objectContaining({ statusCode: 403, error: 'Forbidden', message: 'The password is wrong' }),
    );
    await testApp.api().get('/current_user').set(bearer(user)).expect(200);
    const [row] = await testApp.query('SELECT username, deleted_at FROM users WHERE id = $1', [user.id]);
    expect(row).toEqual({ username: user.username, deleted_at: null });
  });

  it('answers 400 without a password', async () => {
    const user = await signupUser(testApp);
    const response = await testApp.api().delete('/current_user').set(bearer(user)).send({}).expect(400);
    expect(response.body.details).toContainEqual(expect.objectContaining({ field: 'password' }));
  });

  describe('a deleted account', () => {
    let alice: TestUser;
    let bob: TestUser;
    let carol: TestUser;
    let aliceToBob: MessageBody[];
    let bobToAlice: MessageBody[];
    let bobSince: string;
    let secondToken: string;
    // Settled, not awaited: a socket that is never told must fail its own test, not every later one.
    let ended: Promise<PromiseSettledResult<unknown>[]>;

    beforeAll(async () => {
      [alice, bob, carol] = [await signupUser(testApp), await signupUser(testApp), await signupUser(testApp)];
      bobToAlice = [await sendMessage(testApp, bob, alice, 'bob 1'), await sendMessage(testApp, bob, alice, 'bob 2')];
      aliceToBob = [];
      for (const text of ['alice 1', 'alice 2', 'alice 3', 'alice 4']) {
        aliceToBob.push(await sendMessage(testApp, alice, bob, text));
      }
      // A reply, with reactions by both on it: the tombstone drops the link and every reaction.
      const reply = await testApp
        .api()
        .post('/send')
        .set(bearer(alice))
        .send({ user_id: bob.id, message: 'a reply', reply_to_id: bobToAlice[0].id })
        .expect(201);
      aliceToBob.push(reply.body as MessageBody);
      await react(bob, aliceToBob[4], '👍');
      await react(alice, aliceToBob[4], '🎉');
      // Bob has read alice's first message only: 4 unread from her (the reply included).
      await testApp.api().post(`/read/${alice.id}`).set(bearer(bob)).send({ up_to_id: aliceToBob[0].id }).expect(200);
      // Reactions alice left on what she received: one shared with bob, one hers alone.
      await react(alice, bobToAlice[0], '👍');
      await react(bob, bobToAlice[0], '👍');
      await react(alice, bobToAlice[0], '😂');
      await react(alice, bobToAlice[1], '❤️');
      await sendMessage(testApp, carol, alice, 'carol to alice');
      await sendMessage(testApp, alice, carol, 'alice to carol');
      // Blocks and reports are arranged in the tables (their routes are other features').
      await testApp.query('INSERT INTO blocks (blocker_id, blocked_id) VALUES ($1, $2), ($3, $1)', [
        alice.id,
        carol.id,
        bob.id,
      ]);
      await testApp.query(
        `INSERT INTO reports (reporter_id, reported_user_id, reported_username, message_id, message_text, reason)
         VALUES ($1, $2, $3, $4, 'alice 2', 'spam'), ($2, $5, $6, NULL, NULL, 'other')`,
        [bob.id, alice.id, alice.username, aliceToBob[1].id, carol.id, carol.username],
      );
      expect((await chatsOf(bob)).find((chat) => chat.user_id === alice.id)?.unread_count).toBe(4);

      bobSince = (await testApp.api().get('/sync').set(bearer(bob)).expect(200)).body.next_cursor;
      secondToken = (
        await testApp.api().post('/login').send({ username: alice.username, password: alice.password }).expect(200)
      ).body.token;
      const socket = await connectSocket(url, alice.token);
      sockets.push(socket);
      ended = Promise.allSettled([nextEvent(socket, 'session.revoked'), disconnection(socket)]);

      await deleteAccount(alice).expect(204);
    });

    it('ends every session: the tokens get 401, and a live socket session.revoked then a disconnect', async () => {
      expect(await ended).toEqual([
        { status: 'fulfilled', value: { reason: 'account_deleted' } },
        { status: 'fulfilled', value: 'io server disconnect' },
      ]);
      await testApp.api().get('/current_user').set(bearer(alice)).expect(401);
      await testApp
        .api()
        .get('/current_user')
        .set(bearer({ token: secondToken }))
        .expect(401);
      await testApp.api().post('/login').send({ username: alice.username, password: alice.password }).expect(401);
    });

    it('keeps no name, email, password hash, last-seen time, session, block or chat row of the account', async () => {
      const [user] = await testApp.query(
        'SELECT username, email, password_hash, last_seen_at, role, deleted_at IS NOT NULL AS deleted FROM users WHERE id = $1',
        [alice.id],
      );
      expect(user).toEqual({
        username: null,
        email: null,
        password_hash: null,
        last_seen_at: null,
        role: 'user',
        deleted: true,
      });
      const [left] = await testApp.query(
        `SELECT (SELECT count(*) FROM sessions WHERE user_id = $1)::int AS sessions,
                (SELECT count(*) FROM blocks WHERE blocker_id = $1 OR blocked_id = $1)::int AS blocks,
                (SELECT count(*) FROM chats WHERE owner_id = $1)::int AS chats`,
        [alice.id],
      );
      expect(left).toEqual({ sessions: 0, blocks: 0, chats: 0 });
    });

    it('leaves every message the account sent as a tombstone, and none of its reactions anywhere', async () => {
      const sent = await testApp.query(
        'SELECT body, reactions, reply_to_id, edited_at, deleted_at FROM messages WHERE sender_id = $1',
        [alice.id],
      );
      expect(sent).toHaveLength(6);
      for (const row of sent) {
        expect(row).toEqual({
          body: '',
          reactions: null,
          reply_to_id: null,
          edited_at: null,
          deleted_at: expect.any(Date),
        });
      }
      const [{ reacted }] = await testApp.query(
        `SELECT count(*)::int AS reacted FROM messages
          WHERE reactions @> jsonb_build_array(jsonb_build_object('user_ids', jsonb_build_array($1::int)))`,
        [alice.id],
      );
      expect(reacted).toBe(0);
      // What she received stays, text and all; bob's own reaction stays, an emoji only she used goes.
      const received = await testApp.query('SELECT id, body, reactions FROM messages WHERE id = ANY($1) ORDER BY id', [
        bobToAlice.map((message) => message.id),
      ]);
      expect(received).toEqual([
        { id: String(bobToAlice[0].id), body: 'bob 1', reactions: [{ emoji: '👍', user_ids: [bob.id] }] },
        { id: String(bobToAlice[1].id), body: 'bob 2', reactions: null },
      ]);
    });

    it('keeps the reports that name the account, with their snapshots, and those it filed', async () => {
      const reports = await testApp.query(
        'SELECT reporter_id, reported_user_id, reported_username, message_text FROM reports ORDER BY id',
      );
      expect(reports).toEqual([
        { reporter_id: bob.id, reported_user_id: alice.id, reported_username: alice.username, message_text: 'alice 2' },
        { reporter_id: alice.id, reported_user_id: carol.id, reported_username: carol.username, message_text: null },
      ]);
    });

    it('shows the peers the chat as deleted, with an empty username and exact unread counts', async () => {
      expect((await chatsOf(bob)).find((chat) => chat.user_id === alice.id)).toEqual(
        expect.objectContaining({ user_id: alice.id, username: '', deleted: true, unread_count: 0 }),
      );
      expect((await chatsOf(carol)).find((chat) => chat.user_id === alice.id)).toEqual(
        expect.objectContaining({ username: '', deleted: true, unread_count: 0 }),
      );
      // Every other chat still names a live peer.
      expect((await chatsOf(carol)).filter((chat) => chat.user_id !== alice.id).every((chat) => !chat.deleted)).toBe(
        true,
      );
      expect(await countInconsistentChats(testApp)).toBe(0);
    });

    it('reports the chat and the tombstones to a peer’s GET /sync', async () => {
      const sync = (await testApp.api().get('/sync').query({ since: bobSince }).set(bearer(bob)).expect(200)).body;
      expect(sync.reset).toBe(false);
      expect(sync.chats).toEqual([
        expect.objectContaining({ user_id: alice.id, username: '', deleted: true, unread_count: 0 }),
      ]);
      const changed = new Map<number, MessageBody>(sync.messages.map((message: MessageBody) => [message.id, message]));
      for (const message of aliceToBob) {
        expect(changed.get(message.id)).toEqual(
          expect.objectContaining({ message: '', deleted_at: expect.any(String) }),
        );
      }
      expect(changed.get(bobToAlice[0].id)?.reactions).toEqual([{ emoji: '👍', user_ids: [bob.id] }]);
    });

    it('keeps the conversation readable for the peer: their messages, and the account’s as tombstones', async () => {
      const history = (await testApp.api().get(`/chat/${alice.id}`).set(bearer(bob)).expect(200)).body.messages;
      expect(
        history.map((message: MessageBody) => [message.sender_id, message.message, message.deleted_at !== null]),
      ).toEqual([[bob.id, 'bob 1', false], [bob.id, 'bob 2', false], ...aliceToBob.map(() => [alice.id, '', true])]);
    });

    it('can be sent nothing more: a send to it is 410, and so is a reply in its conversation', async () => {
      const refused = await testApp
        .api()
        .post('/send')
        .set(bearer(bob))
        .send({ user_id: alice.id, message: 'are you there?' })
        .expect(410);
      expect(refused.body).toEqual(expect.objectContaining({ statusCode: 410, error: 'Gone' }));
      await testApp
        .api()
        .post('/send')
        .set(bearer(bob))
        .send({ user_id: alice.id, message: 'a late reply', reply_to_id: bobToAlice[1].id })
        .expect(410);
      const [{ count }] = await testApp.query('SELECT count(*)::int AS count FROM messages WHERE recipient_id = $1', [
        alice.id,
      ]);
      expect(count).toBe(3);
    });

    it('is listed by GET /users no more', async () => {
      for (const type of ['all', 'active', 'inactive']) {
        const users = (await testApp.api().get('/users').query({ type, limit: 200 }).set(bearer(bob)).expect(200)).body
          .users;
        expect(users.map((user: { id: number }) => user.id)).not.toContain(alice.id);
      }
    });

    it('frees the username and the email for a new signup', async () => {
      const again = await signupUser(testApp, {
        username: alice.username.toUpperCase(),
        email: alice.email,
        password: 'another password',
      });
      expect(again.id).not.toBe(alice.id);
    });

    it('cannot be deleted twice: the old token is refused', async () => {
      await deleteAccount(alice).expect(401);
    });
  });
});
