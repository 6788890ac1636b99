import { getChatHistory, type GetChatHistoryData, listChats, type ListChatsData, markChatRead } from '@parley/client';
import pg from 'pg';
import { countInconsistentChats } from './support/chat-consistency.js';
import { bearer, type MessageBody, sendMessage, signupUser, type TestUser } from './support/factories.js';
import { listenForSdk, type SdkTarget } from './support/sdk-client.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createTestDatabase } from './support/test-database.js';

const ids = (messages: MessageBody[]) => messages.map((m) => m.id);

describe('chats: GET /chat, GET /chat/{user_id}, POST /read/{user_id}', () => {
  let testApp: TestApp;
  let sdk: SdkTarget;

  beforeAll(async () => {
    testApp = await createTestApp();
    sdk = await listenForSdk(testApp);
  });

  afterAll(async () => {
    await testApp.close();
  });

  // Through the SDK, as a frontend team calls them; raw HTTP only for what its types rule out.
  const chatsOf = async (user: TestUser, query: ListChatsData['query'] = {}) =>
    (await listChats({ client: sdk.as(user), query, throwOnError: true })).data;
  const history = (user: TestUser, peer: Pick<TestUser, 'id'>, query: GetChatHistoryData['query'] = {}) =>
    getChatHistory({ client: sdk.as(user), path: { user_id: peer.id }, query });
  const historyOf = async (user: TestUser, peer: Pick<TestUser, 'id'>, query: GetChatHistoryData['query'] = {}) =>
    (await getChatHistory({ client: sdk.as(user), path: { user_id: peer.id }, query, throwOnError: true })).data;
  const markRead = async (user: TestUser, peer: Pick<TestUser, 'id'>, upToId?: number) => {
    const { data, error, response } = await markChatRead({
      client: sdk.as(user),
      path: { user_id: peer.id },
      body: upToId === undefined ? undefined : { up_to_id: upToId },
    });
    return { status: response.status, body: data ?? error };
  };
  const markReadRaw = (user: TestUser, peer: Pick<TestUser, 'id'>, body?: object) =>
    testApp.api().post(`/read/${peer.id}`).set(bearer(user)).send(body);

  describe('GET /chat', () => {
    it('lists chats newest activity first, with unread counts and the last message either way', async () => {
      const [me, ann, ben] = [await signupUser(testApp), await signupUser(testApp), await signupUser(testApp)];
      await sendMessage(testApp, ann, me, 'from ann 1');
      await sendMessage(testApp, ann, me, 'from ann 2');
      const fromBen = await sendMessage(testApp, ben, me, 'from ben');
      const toAnn = await sendMessage(testApp, me, ann, 'reply to ann');

      expect(await chatsOf(me)).toEqual({
        chats: [
          {
            user_id: ann.id,
            username: ann.username,
            deleted: false,
            muted: false,
            muted_until: null,
            unread_count: 2,
            last_message: toAnn,
          },
          {
            user_id: ben.id,
            username: ben.username,
            deleted: false,
            muted: false,
            muted_until: null,
            unread_count: 1,
            last_message: fromBen,
          },
        ],
        next_cursor: null,
      });
      const annView = await chatsOf(ann);
      expect(annView.chats).toEqual([
        {
          user_id: me.id,
          username: me.username,
          deleted: false,
          muted: false,
          muted_until: null,
          unread_count: 1,
          last_message: toAnn,
        },
      ]);
    });

    it('is empty for a user with no messages', async () => {
      const loner = await signupUser(testApp);
      expect(await chatsOf(loner)).toEqual({ chats: [], next_cursor: null });
    });

    it('pages with limit and cursor without skipping or repeating a chat', async () => {
      const me = await signupUser(testApp);
      const peers: TestUser[] = [];
      for (let i = 0; i < 5; i++) {
        const peer = await signupUser(testApp);
        await sendMessage(testApp, peer, me, `hello ${i}`);
        peers.push(peer);
      }
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page = await chatsOf(me, { limit: 2, ...(cursor ? { cursor } : {}) });
        seen.push(...page.chats.map((c) => c.user_id));
        cursor = page.next_cursor;
      } while (cursor);
      expect(seen).toEqual(peers.map((p) => p.id).reverse());
    });

    it.each([
      ['limit', { limit: 0 }],
      ['limit', { limit: 201 }],
      ['cursor', { cursor: 'x'.repeat(65) }],
    ])('answers 400 naming %s for %j', async (field, query) => {
      const user = await signupUser(testApp);
      const response = await testApp.api().get('/chat').query(query).set(bearer(user)).expect(400);
      expect(response.body.details).toEqual([{ field, errors: [expect.any(String)] }]);
    });

    it('answers 400 for a cursor it did not issue', async () => {
      const user = await signupUser(testApp);
      const { response } = await listChats({ client: sdk.as(user), query: { cursor: 'bm90LWEtY3Vyc29y' } });
      expect(response.status).toBe(400);
    });
  });

  describe('GET /chat/{user_id}', () => {
    let me: TestUser;
    let peer: TestUser;
    let sent: MessageBody[];

    beforeAll(async () => {
      me = await signupUser(testApp);
      peer = await signupUser(testApp);
      sent = [];
      for (let i = 0; i < 7; i++) {
        const [from, to] = i % 2 === 0 ? [me, peer] : [peer, me];
        sent.push(await sendMessage(testApp, from, to, `message ${i}`));
      }
      const stranger = await signupUser(testApp);
      await sendMessage(testApp, stranger, me, 'not part of this conversation');
    });

    it('returns the latest page, oldest to newest, with both directions', async () => {
      expect(await historyOf(me, peer)).toEqual({ messages: sent, next_cursor: null });
    });

    it('pages backwards with before = next_cursor', async () => {
      const latest = await historyOf(me, peer, { limit: 3 });
      expect(ids(latest.messages)).toEqual(ids(sent.slice(4)));
      expect(latest.next_cursor).toBe(sent[4].id);

      const older = await historyOf(me, peer, { limit: 3, before: latest.next_cursor! });
      expect(ids(older.messages)).toEqual(ids(sent.slice(1, 4)));

      const oldest = await historyOf(me, peer, { limit: 3, before: older.next_cursor! });
      expect(oldest).toEqual({ messages: [sent[0]], next_cursor: null });
    });

    it('pages forwards with after = next_cursor', async () => {
      const first = await historyOf(peer, me, { limit: 4, after: 0 });
      expect(ids(first.messages)).toEqual(ids(sent.slice(0, 4)));
      expect(first.next_cursor).toBe(sent[3].id);

      const rest = await historyOf(peer, me, { limit: 4, after: first.next_cursor! });
      expect(rest).toEqual({ messages: sent.slice(4), next_cursor: null });
    });

    it('is an empty page for an existing user you never talked to', async () => {
      const other = await signupUser(testApp);
      expect(await historyOf(me, other)).toEqual({ messages: [], next_cursor: null });
    });

    it('answers 404 for an unknown user', async () => {
      const { response, error } = await history(me, { id: 987654 });
      expect(response.status).toBe(404);
      expect(error).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: 'No user has id 987654',
        request_id: expect.any(String),
      });
    });

    it('answers 400 for before and after together', async () => {
      const { response, error } = await history(me, peer, { before: 10, after: 1 });
      expect(response.status).toBe(400);
      expect(error?.message).toBe('Pass either before or after, not both');
    });

    it.each([
      ['user_id', '/chat/abc', {}],
      ['user_id', '/chat/0', {}],
      ['user_id', '/chat/-3', {}],
      ['user_id', '/chat/1.5', {}],
      ['user_id', '/chat/99999999999999999999', {}],
      ['before', '/chat/1', { before: 'soon' }],
      ['before', '/chat/1', { before: '0' }],
      ['after', '/chat/1', { after: '-1' }],
      ['limit', '/chat/1', { limit: '1000' }],
    ])('answers 400 naming %s for %s %j', async (field, path, query) => {
      const response = await testApp.api().get(path).query(query).set(bearer(me)).expect(400);
      expect(response.body.details).toEqual([{ field, errors: [expect.any(String)] }]);
    });
  });

  describe('POST /read/{user_id}', () => {
    it('marks read only what the reader received from that user, and the unread count follows', async () => {
      const [me, ann, ben] = [await signupUser(testApp), await signupUser(testApp), await signupUser(testApp)];
      await sendMessage(testApp, ann, me, 'a1');
      await sendMessage(testApp, ann, me, 'a2');
      const mine = await sendMessage(testApp, me, ann, 'mine');
      await sendMessage(testApp, ben, me, 'b1');

      expect(await markRead(me, ann)).toEqual({ status: 200, body: { updated: 2 } });
      expect(await markRead(me, ann)).toEqual({ status: 200, body: { updated: 0 } });

      const chats = await chatsOf(me);
      const unread = Object.fromEntries(chats.chats.map((c) => [c.user_id, c.unread_count]));
      expect(unread).toEqual({ [ann.id]: 0, [ben.id]: 1 });
      const annHistory = await historyOf(ann, me);
      expect(annHistory.messages.find((m) => m.id === mine.id)!.read).toBe(false);
    });

    it('with up_to_id marks only up to that message', async () => {
      const [me, ann] = [await signupUser(testApp), await signupUser(testApp)];
      const first = await sendMessage(testApp, ann, me, 'one');
      const second = await sendMessage(testApp, ann, me, 'two');
      const third = await sendMessage(testApp, ann, me, 'three');

      expect(await markRead(me, ann, second.id)).toEqual({ status: 200, body: { updated: 2 } });

      expect((await chatsOf(me)).chats[0].unread_count).toBe(1);
      const page = await historyOf(me, ann);
      expect(page.messages.map((m) => [m.id, m.read])).toEqual([
        [first.id, true],
        [second.id, true],
        [third.id, false],
      ]);
      expect(page.messages[0].read_at).toEqual(expect.any(String));
    });

    it('changes nothing when a third user marks someone else’s chat', async () => {
      const [me, ann, eve] = [await signupUser(testApp), await signupUser(testApp), await signupUser(testApp)];
      await sendMessage(testApp, ann, me, 'private');
      expect(await markRead(eve, ann)).toEqual({ status: 200, body: { updated: 0 } });
      expect((await chatsOf(me)).chats[0].unread_count).toBe(1);
    });

    it('answers 404 for an unknown user', async () => {
      const me = await signupUser(testApp);
      expect((await markRead(me, { id: 876543 })).status).toBe(404);
    });

    it.each([
      ['up_to_id', { up_to_id: 'all' }],
      ['up_to_id', { up_to_id: 0 }],
      ['up_to_id', { up_to_id: 2 ** 63 }],
      ['extra', { extra: true }],
    ])('answers 400 naming %s for %j', async (field, body) => {
      const me = await signupUser(testApp);
      const response = await markReadRaw(me, { id: 1 }, body).expect(400);
      expect(response.body.details).toEqual([{ field, errors: [expect.any(String)] }]);
    });
  });
  describe('deleting a user (by an operator, in SQL)', () => {
    it("removes that user's chats from both sides and leaves everyone else's exact", async () => {
      const [gone, ann, ben] = [await signupUser(testApp), await signupUser(testApp), await signupUser(testApp)];
      await sendMessage(testApp, gone, ann, 'to ann');
      await sendMessage(testApp, ben, gone, 'to gone');
      const annToBen = await sendMessage(testApp, ann, ben, 'ann to ben');

      await testApp.query('DELETE FROM users WHERE id = $1', [gone.id]);

      expect((await chatsOf(ann)).chats).toEqual([
        {
          user_id: ben.id,
          username: ben.username,
          deleted: false,
          muted: false,
          muted_until: null,
          unread_count: 0,
          last_message: annToBen,
        },
      ]);
      expect((await chatsOf(ben)).chats).toEqual([
        {
          user_id: ann.id,
          username: ann.username,
          deleted: false,
          muted: false,
          muted_until: null,
          unread_count: 1,
          last_message: annToBen,
        },
      ]);
      const leftOver = await testApp.query('SELECT 1 FROM chats WHERE owner_id = $1 OR peer_id = $1', [gone.id]);
      expect(leftOver).toHaveLength(0);
      expect(await countInconsistentChats(testApp)).toBe(0);
    });
  });
  describe('timestamps', () => {
    it('are ISO 8601 in UTC with milliseconds, the stored instant truncated as a JS Date would', async () => {
      // A database whose sessions run in another TimeZone: the API's timestamps must not follow it.
      const database = await createTestDatabase();
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      await admin.query(
        `DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET TimeZone = %L', current_database(), 'Asia/Kolkata'); END $$`,
      );
      await admin.end();
      const kolkata = await createTestApp({ database });
      try {
        const [me, ann] = [await signupUser(kolkata), await signupUser(kolkata)];
        const sent = await sendMessage(kolkata, ann, me, 'a timed message');
        // Microseconds to drop, and an offset other than UTC to convert.
        await kolkata.query(`UPDATE messages SET created_at = $2, read_at = $3 WHERE id = $1`, [
          sent.id,
          '2026-03-04 05:06:07.891999+00',
          '2026-03-04 05:06:08.000001+02',
        ]);

        const { body: page } = await kolkata.api().get(`/chat/${ann.id}`).set(bearer(me)).expect(200);
        const { body: list } = await kolkata.api().get('/chat').set(bearer(me)).expect(200);

        const expected = { created: '2026-03-04T05:06:07.891Z', read_at: '2026-03-04T03:06:08.000Z' };
        expect((page as { messages: MessageBody[] }).messages[0]).toMatchObject(expected);
        expect((list as { chats: { last_message: MessageBody }[] }).chats[0].last_message).toMatchObject(expected);
      } finally {
        await kolkata.close();
      }
    });
  });
});
