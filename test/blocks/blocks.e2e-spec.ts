/*
 * Blocking (issue 20), through the SDK a frontend team uses: what each side can still do, what the blocked user
 * can no longer reach (sends, send_to_all, reactions, edits, typing, presence), and the race the block's 204
 * promises to win: nothing the blocked user sends after it is stored.
 */
import {
  addReaction,
  blockUser,
  type Client,
  deleteMessage,
  editMessage,
  getChatHistory,
  listBlocked,
  listChats,
  listUsers,
  type MessageDto,
  sendMessage,
  sendToAll,
  unblockUser,
} from '@parley/client';
import { signupUser, type TestUser } from '../support/factories.js';
import { listenForSdk, type SdkTarget } from '../support/sdk-client.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { connectSocket, Inbox, nextEvent, type TestSocket } from '../realtime/sockets.js';

describe('blocking', () => {
  let testApp: TestApp;
  let sdk: SdkTarget;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    testApp = await createTestApp({ env: { PRESENCE_GRACE_MS: '100', RATE_LIMIT_SEND_PER_USER: '100000' } });
    sdk = await listenForSdk(testApp);
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  afterAll(() => testApp.close());

  /** A fresh pair, so each rule starts from no block. */
  const pair = async (): Promise<[TestUser, TestUser, Client, Client]> => {
    const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
    return [alice, bob, sdk.as(alice), sdk.as(bob)];
  };

  const send = (client: Client, to: TestUser, message: string) =>
    sendMessage({ client, body: { user_id: to.id, message } });

  const block = async (client: Client, user: TestUser) => {
    const { response } = await blockUser({ client, path: { user_id: user.id } });
    expect(response.status).toBe(204);
  };

  const history = async (client: Client, peer: TestUser): Promise<MessageDto[]> =>
    (await getChatHistory({ client, path: { user_id: peer.id }, query: { limit: 200 }, throwOnError: true })).data
      .messages;

  const open = async (user: TestUser) => {
    const socket = await connectSocket(sdk.baseUrl, user.token);
    sockets.push(socket);
    return socket;
  };

  describe('the routes', () => {
    it('blocks idempotently, lists the blocked users in pages, and unblocks idempotently', async () => {
      const [alice, bob, asAlice] = await pair();
      const carol = await signupUser(testApp);
      await block(asAlice, bob);
      await block(asAlice, bob);
      await block(asAlice, carol);

      const first = (await listBlocked({ client: asAlice, query: { limit: 1 }, throwOnError: true })).data;
      expect(first.users).toEqual([expect.objectContaining({ id: bob.id, username: bob.username })]);
      const second = (
        await listBlocked({ client: asAlice, query: { limit: 1, cursor: first.next_cursor! }, throwOnError: true })
      ).data;
      expect(second.users.map((user) => user.id)).toEqual([carol.id]);

      for (let i = 0; i < 2; i++) {
        const { response } = await unblockUser({ client: asAlice, path: { user_id: bob.id } });
        expect(response.status).toBe(204);
      }
      const after = (await listBlocked({ client: asAlice, throwOnError: true })).data;
      expect(after.users.map((user) => user.id)).toEqual([carol.id]);
      // Only the blocker sees the block.
      expect((await listBlocked({ client: sdk.as(bob), throwOnError: true })).data.users).toEqual([]);
      expect(alice.id).not.toBe(bob.id);
    });

    it('refuses to block yourself (400) or an unknown user (404)', async () => {
      const [alice, , asAlice] = await pair();
      const self = await blockUser({ client: asAlice, path: { user_id: alice.id } });
      expect(self.response.status).toBe(400);
      expect(self.error).toMatchObject({ statusCode: 400, message: 'You cannot block yourself' });
      const unknown = await blockUser({ client: asAlice, path: { user_id: 2_000_000_000 } });
      expect(unknown.response.status).toBe(404);
      expect(unknown.error).toMatchObject({ statusCode: 404 });
    });
  });

  describe('when Alice has blocked Bob', () => {
    it('refuses sends both ways with 403 that does not say who blocked, and keeps the history and the chat', async () => {
      const [alice, bob, asAlice, asBob] = await pair();
      await send(asBob, alice, 'before the block');
      await block(asAlice, bob);

      const fromBob = await send(asBob, alice, 'after the block');
      expect(fromBob.response.status).toBe(403);
      expect(fromBob.error).toMatchObject({ statusCode: 403, message: 'You cannot message this user' });
      const fromAlice = await send(asAlice, bob, 'and back');
      expect(fromAlice.response.status).toBe(403);
      expect(fromAlice.error?.message).toBe(fromBob.error?.message);

      expect((await history(asAlice, bob)).map((message) => message.message)).toEqual(['before the block']);
      expect((await history(asBob, alice)).map((message) => message.message)).toEqual(['before the block']);
      const chats = (await listChats({ client: asAlice, throwOnError: true })).data.chats;
      expect(chats).toEqual([expect.objectContaining({ user_id: bob.id, unread_count: 1 })]);

      await unblockUser({ client: asAlice, path: { user_id: bob.id }, throwOnError: true });
      expect((await send(asBob, alice, 'after the unblock')).response.status).toBe(201);
    });

    it('still answers a retry of a send stored before the block with that message, not a refusal', async () => {
      const [alice, bob, asAlice, asBob] = await pair();
      const retry = () =>
        sendMessage({
          client: asBob,
          body: { user_id: alice.id, message: 'sent once' },
          headers: { 'Idempotency-Key': 'before-the-block-1' },
        });
      const first = await retry();
      expect(first.response.status).toBe(201);
      await block(asAlice, bob);
      const again = await retry();
      expect(again.response.status).toBe(201);
      expect(again.response.headers.get('Idempotent-Replayed')).toBe('true');
      expect(again.data?.id).toBe(first.data?.id);
      expect((await history(asAlice, bob)).map((message) => message.message)).toEqual(['sent once']);
    });

    it("skips Alice in Bob's send_to_all (and counts only real recipients), live too", async () => {
      const [alice, bob, asAlice, asBob] = await pair();
      await block(asAlice, bob);
      const [{ count: users }] = await testApp.query<{ count: number }>('SELECT count(*)::int AS count FROM users');
      const aliceSocket = await open(alice);
      const aliceInbox = new Inbox(aliceSocket);
      const carol = await signupUser(testApp);
      const carolSocket = await open(carol);
      const heard = nextEvent(carolSocket, 'broadcast.new');

      const { data } = await sendToAll({ client: asBob, body: { message: 'hello everyone' }, throwOnError: true });
      // Everyone but Bob himself and Alice (Carol signed up after the count).
      expect(data.sent).toBe(users - 2 + 1);
      await heard;
      expect(await history(asAlice, bob)).toEqual([]);
      expect(aliceInbox.named('broadcast.new')).toEqual([]);
      // Alice's own send_to_all skips Bob too: unblock first.
      const [{ count: bobs }] = await testApp.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM messages WHERE sender_id = $1 AND recipient_id = $2`,
        [alice.id, bob.id],
      );
      await sendToAll({ client: asAlice, body: { message: 'hi all' }, throwOnError: true });
      expect(await history(asBob, alice)).toEqual([]);
      expect(bobs).toBe(0);
    });

    it('refuses reactions and edits in the conversation, both ways, and still lets a sender delete', async () => {
      const [alice, bob, asAlice, asBob] = await pair();
      const fromAlice = (await send(asAlice, bob, 'from alice')).data!;
      const fromBob = (await send(asBob, alice, 'from bob')).data!;
      await block(asAlice, bob);

      const bobReacts = await addReaction({ client: asBob, path: { id: fromAlice.id, emoji: '👍' } });
      expect(bobReacts.response.status).toBe(403);
      expect(bobReacts.error).toMatchObject({ message: 'You cannot message this user' });
      const aliceReacts = await addReaction({ client: asAlice, path: { id: fromBob.id, emoji: '👍' } });
      expect(aliceReacts.response.status).toBe(403);
      const bobEdits = await editMessage({ client: asBob, path: { id: fromBob.id }, body: { message: 'changed' } });
      expect(bobEdits.response.status).toBe(403);
      expect((await history(asAlice, bob)).map((message) => [message.message, message.reactions])).toEqual([
        ['from alice', []],
        ['from bob', []],
      ]);

      const bobDeletes = await deleteMessage({ client: asBob, path: { id: fromBob.id } });
      expect(bobDeletes.response.status).toBe(204);
    });

    it('shows Alice to Bob in GET /users as never active and with no last-seen time, and lists her under inactive', async () => {
      const [alice, bob, asAlice, asBob] = await pair();
      const listed = async (type: 'all' | 'active' | 'inactive') =>
        (await listUsers({ client: asBob, query: { type, limit: 200 }, throwOnError: true })).data.users.find(
          (user) => user.id === alice.id,
        );
      expect(await listed('active')).toMatchObject({ active: true, last_seen_at: expect.any(String) });
      await block(asAlice, bob);
      expect(await listed('all')).toEqual({
        id: alice.id,
        username: alice.username,
        active: false,
        last_seen_at: null,
      });
      expect(await listed('active')).toBeUndefined();
      expect(await listed('inactive')).toMatchObject({ id: alice.id, active: false });
      // Alice still sees Bob as he is.
      const bobForAlice = (await listUsers({ client: asAlice, query: { limit: 200 }, throwOnError: true })).data.users;
      expect(bobForAlice.find((user) => user.id === bob.id)).toMatchObject({ active: true });
    });

    it("drops Bob's typing to Alice (acknowledged, never delivered)", async () => {
      const [alice, bob, asAlice] = await pair();
      const carol = await signupUser(testApp);
      await block(asAlice, bob);
      const [aliceSocket, bobSocket, carolSocket] = [await open(alice), await open(bob), await open(carol)];
      const aliceInbox = new Inbox(aliceSocket);

      expect(await bobSocket.emitWithAck('typing', { user_id: alice.id, typing: true })).toEqual({ ok: true });
      // Carol's typing reaches Alice after Bob's would have: Alice's socket has had every chance to get it.
      const fromCarol = nextEvent(aliceSocket, 'typing');
      expect(await carolSocket.emitWithAck('typing', { user_id: alice.id, typing: true })).toEqual({ ok: true });
      expect(await fromCarol).toEqual({ user_id: carol.id, typing: true });
      expect(aliceInbox.named('typing')).toEqual([{ user_id: carol.id, typing: true }]);
    });

    it("shows Alice offline to Bob's presence watch, and tells him nothing when she comes and goes", async () => {
      const [alice, bob, asAlice] = await pair();
      const carol = await signupUser(testApp);
      const bobSocket = await open(bob);
      const bobInbox = new Inbox(bobSocket);
      // Bob watched Alice and Carol before the block (both offline then).
      expect(await bobSocket.emitWithAck('presence.watch', { user_ids: [alice.id, carol.id] })).toEqual({ ok: true });
      await block(asAlice, bob);

      // Alice comes online, then Carol: the announcements go out in that order, and Bob hears of Carol only.
      bobInbox.events.length = 0;
      const aliceSocket = await open(alice);
      const carolOnline = nextEvent(bobSocket, 'presence');
      const carolSocket = await open(carol);
      expect(await carolOnline).toMatchObject({ user_id: carol.id, online: true });
      expect(bobInbox.named('presence')).toEqual([expect.objectContaining({ user_id: carol.id })]);

      // Watching again, Bob is told Alice is offline with no last-seen time, though she is online.
      bobInbox.events.length = 0;
      expect(await bobSocket.emitWithAck('presence.watch', { user_ids: [alice.id, carol.id] })).toEqual({ ok: true });
      expect(bobInbox.named('presence')).toEqual(
        expect.arrayContaining([
          { user_id: alice.id, online: false, last_seen_at: null },
          expect.objectContaining({ user_id: carol.id, online: true }),
        ]),
      );
      // Alice leaving and coming back is not announced to him either; Carol leaving is.
      bobInbox.events.length = 0;
      aliceSocket.close();
      await open(alice);
      const carolOffline = nextEvent(bobSocket, 'presence');
      carolSocket.close();
      expect(await carolOffline).toMatchObject({ user_id: carol.id, online: false });
      expect(bobInbox.named('presence')).toEqual([expect.objectContaining({ user_id: carol.id, online: false })]);
    });
  });

  it('a send racing the block is either stored and answered 201 before it, or refused: never stored after', async () => {
    const [alice, bob, asAlice, asBob] = await pair();
    const SENDS = 200;
    const results: { status: number; id?: number }[] = [];
    let blockedAt = 0;
    // Twenty clients sending back to back: a burst the block lands in, within what the pool serves without making
    // a request wait past its connection timeout (200 at once got "database unavailable" on the embedded server).
    const CLIENTS = 20;
    const sends = Array.from({ length: CLIENTS }, async (_, client) => {
      for (let i = client; i < SENDS; i += CLIENTS) {
        const { response, data } = await send(asBob, alice, `race ${i}`);
        results.push({ status: response.status, id: data?.id });
      }
    });
    // The block lands in the middle of the burst.
    const blocking = (async () => {
      while (results.length < SENDS / 4) await new Promise((resolve) => setTimeout(resolve, 1));
      await block(asAlice, bob);
      blockedAt = results.length;
    })();
    await Promise.all([...sends, blocking]);

    const accepted = results.filter((result) => result.status === 201).map((result) => result.id);
    const refused = results.filter((result) => result.status === 403);
    // Any other answer (its status shown) is a failure of its own: a send lost, neither stored nor refused.
    expect(results.filter((result) => result.status !== 201 && result.status !== 403)).toEqual([]);
    expect(accepted.length + refused.length).toBe(SENDS);
    expect(refused.length).toBeGreaterThan(0);
    expect(blockedAt).toBeGreaterThan(0);

    // What Bob was told is exactly what is stored: every 201 is there, and nothing else.
    const stored = await testApp.query<{ id: string }>(
      'SELECT id FROM messages WHERE sender_id = $1 AND recipient_id = $2 ORDER BY id',
      [bob.id, alice.id],
    );
    expect(stored.map((row) => Number(row.id))).toEqual([...accepted].sort((a, b) => a! - b!));
    // And none of it committed after the block. A send and the block hold the conversation's lock while they write,
    // so the order of their transaction ids (drawn at the first write, under the lock) is their commit order.
    const [{ after }] = await testApp.query<{ after: number }>(
      `SELECT count(*)::int AS after FROM messages m, blocks b
        WHERE m.sender_id = $1 AND m.recipient_id = $2 AND b.blocker_id = $2 AND b.blocked_id = $1
          AND m.xmin::text::bigint > b.xmin::text::bigint`,
      [bob.id, alice.id],
    );
    expect(after).toBe(0);
    expect((await history(asAlice, bob)).length).toBe(accepted.length);
  });
});
