/*
 * Catching up without loss: `GET /chat/{id}?after=` never skips a committed
 * message, and `GET /sync` returns every chat whose change committed after the
 * cursor was issued, including changes of transactions that committed out of
 * id order. The live client's reconnect relies on both (docs/realtime.md).
 */
import pg from 'pg';
import { SYNC_LIMIT } from '../src/chats/chats.service.js';
import { EDIT, SEND } from '../src/messages/message.queries.js';
import {
  bearer,
  type MessageBody,
  sendMessage,
  signupUser,
  syncFor,
  type SyncPage,
  type TestUser,
} from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('catching up', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(async () => {
    await testApp.close();
  });

  const sync = (user: TestUser, since?: string): Promise<SyncPage> => syncFor(testApp, user, since);

  describe('GET /chat/{id}?after=', () => {
    it('never skips a message while both people send at once (a poller sees every one)', async () => {
      const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
      const SENDERS = 8;
      const EACH = 60;
      let sending = true;
      const seen = new Set<number>();
      const poll = async () => {
        let after = 0;
        while (sending) {
          const response = await testApp
            .api()
            .get(`/chat/${bob.id}`)
            .query({ after, limit: 200 })
            .set(bearer(alice))
            .expect(200);
          for (const message of response.body.messages as MessageBody[]) {
            seen.add(message.id);
            after = Math.max(after, message.id);
          }
        }
        return after;
      };
      const poller = poll();
      const sent: number[] = [];
      await Promise.all(
        Array.from({ length: SENDERS }, async (_, sender) => {
          for (let i = 0; i < EACH; i++) {
            const [from, to] = sender % 2 === 0 ? [alice, bob] : [bob, alice];
            sent.push((await sendMessage(testApp, from, to, `race ${sender}.${i}`)).id);
          }
        }),
      );
      sending = false;
      const lastSeenBeforeStop = await poller;
      // Everything at or below the poller's last cursor must have been seen on the way there.
      const missed = sent.filter((id) => id <= lastSeenBeforeStop && !seen.has(id));
      expect({ sent: sent.length, missed }).toEqual({ sent: SENDERS * EACH, missed: [] });
    });
  });

  describe('GET /sync', () => {
    it('starts with a cursor and reset, without listing chats', async () => {
      const alice = await signupUser(testApp);
      const page = await sync(alice);
      expect(page).toEqual({ chats: [], messages: [], next_cursor: expect.any(String), reset: true });
    });

    it('lists a chat once a message is sent or received, in its GET /chat shape', async () => {
      const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
      const [aliceCursor, bobCursor] = [(await sync(alice)).next_cursor, (await sync(bob)).next_cursor];
      const message = await sendMessage(testApp, alice, bob, 'hello, bob');

      const forBob = await sync(bob, bobCursor);
      expect(forBob.reset).toBe(false);
      expect(forBob.chats).toEqual([
        {
          user_id: alice.id,
          username: alice.username,
          deleted: false,
          muted: false,
          muted_until: null,
          unread_count: 1,
          peer_read_up_to: 0,
          last_message: message,
        },
      ]);
      const forAlice = await sync(alice, aliceCursor);
      expect(forAlice.chats.map((chat) => [chat.user_id, chat.unread_count])).toEqual([[bob.id, 0]]);
    });

    it('tells the sender how far the reader read, and the reader that the count fell', async () => {
      const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
      const first = await sendMessage(testApp, alice, bob, 'one');
      await sendMessage(testApp, alice, bob, 'two');
      const [aliceCursor, bobCursor] = [(await sync(alice)).next_cursor, (await sync(bob)).next_cursor];

      await testApp.api().post(`/read/${alice.id}`).set(bearer(bob)).send({ up_to_id: first.id }).expect(200);

      const forAlice = await sync(alice, aliceCursor);
      expect(forAlice.chats.map((chat) => [chat.user_id, chat.peer_read_up_to])).toEqual([[bob.id, first.id]]);
      const forBob = await sync(bob, bobCursor);
      expect(forBob.chats.map((chat) => [chat.user_id, chat.unread_count])).toEqual([[alice.id, 1]]);
    });

    it('goes on from each answer: a later change comes under the next cursor', async () => {
      const [alice, bob, carol] = [await signupUser(testApp), await signupUser(testApp), await signupUser(testApp)];
      await sendMessage(testApp, alice, bob);
      const first = await sync(alice, (await sync(alice)).next_cursor);
      await sendMessage(testApp, carol, alice, 'later');
      const second = await sync(alice, first.next_cursor);
      // A chat may repeat (its writer may have committed above the horizon the first answer saw),
      // but the later change is always there.
      expect(second.chats.map((chat) => [chat.user_id, chat.last_message.message])).toContainEqual([carol.id, 'later']);
      expect(second.chats.every((chat) => [bob.id, carol.id].includes(chat.user_id))).toBe(true);
    });

    it('returns a change whose transaction committed after a later one was seen', async () => {
      const [alice, bob, carol] = [await signupUser(testApp), await signupUser(testApp), await signupUser(testApp)];
      const cursor = (await sync(alice)).next_cursor;
      // A slow send from bob, on its own connection: its id and transaction id are drawn, then it waits.
      const slow = new pg.Client({ connectionString: testApp.database.url });
      await slow.connect();
      try {
        await slow.query('BEGIN');
        const { rows } = await slow.query<{ id: string }>(SEND.text, [bob.id, alice.id, 'slow one', null, null, false]);
        // Meanwhile carol's message commits, with a later id and transaction id.
        const quick = await sendMessage(testApp, carol, alice, 'quick one');
        expect(quick.id).toBeGreaterThan(Number(rows[0].id));

        const beforeCommit = await sync(alice, cursor);
        expect(beforeCommit.chats.map((chat) => chat.user_id)).toEqual([carol.id]);

        await slow.query('COMMIT');
        const afterCommit = await sync(alice, beforeCommit.next_cursor);
        expect(afterCommit.chats.map((chat) => [chat.user_id, chat.last_message.message])).toContainEqual([
          bob.id,
          'slow one',
        ]);
      } finally {
        await slow.end();
      }
    });

    describe('messages that changed', () => {
      const edit = (user: TestUser, id: number, message: string) =>
        testApp.api().patch(`/messages/${id}`).set(bearer(user)).send({ message }).expect(200);
      const history = async (user: TestUser, peer: TestUser): Promise<MessageBody[]> =>
        (await testApp.api().get(`/chat/${peer.id}`).query({ limit: 200 }).set(bearer(user)).expect(200)).body
          .messages as MessageBody[];

      it('brings an offline client’s copy to the server’s: edits, tombstones and reactions, and no new messages', async () => {
        const [alice, bob, carol] = [await signupUser(testApp), await signupUser(testApp), await signupUser(testApp)];
        const [edited, deleted, reacted, untouched] = [
          await sendMessage(testApp, alice, bob, 'tpyo'),
          await sendMessage(testApp, alice, bob, 'sent by mistake'),
          await sendMessage(testApp, alice, bob, 'good news'),
          await sendMessage(testApp, alice, bob, 'untouched'),
        ];
        // Bob's client holds the conversation and a cursor, then goes offline.
        const held = new Map((await history(bob, alice)).map((message) => [message.id, message]));
        const cursor = (await sync(bob)).next_cursor;

        await edit(alice, edited.id, 'typo');
        await testApp.api().delete(`/messages/${deleted.id}`).set(bearer(alice)).expect(204);
        await testApp
          .api()
          .put(`/messages/${reacted.id}/reactions/${encodeURIComponent('🎉')}`)
          .set(bearer(alice))
          .expect(204);
        await sendMessage(testApp, alice, bob, 'brand new');
        // Someone else's conversation never shows up in bob's sync.
        const others = await sendMessage(testApp, alice, carol, 'not for bob');
        await edit(alice, others.id, 'still not');

        const page = await sync(bob, cursor);
        expect(page.reset).toBe(false);
        expect(page.messages.map((message) => message.id).sort()).toEqual([edited.id, deleted.id, reacted.id].sort());
        // Following the README: replace held copies by id, then load what is new with after=.
        for (const message of page.messages) held.set(message.id, message);
        const newest = Math.max(...held.keys());
        const fresh = (
          await testApp.api().get(`/chat/${alice.id}`).query({ after: newest }).set(bearer(bob)).expect(200)
        ).body.messages as MessageBody[];
        for (const message of fresh) held.set(message.id, message);

        const server = await history(bob, alice);
        expect([...held.values()].sort((a, b) => a.id - b.id)).toEqual(server);
        expect(held.get(deleted.id)).toMatchObject({ message: '', deleted_at: expect.any(String) });
        expect(held.get(untouched.id)).toEqual(untouched);
      });

      it('returns a message change whose transaction committed after a later one was seen', async () => {
        const [alice, bob, carol] = [await signupUser(testApp), await signupUser(testApp), await signupUser(testApp)];
        const early = await sendMessage(testApp, bob, alice, 'before the edit');
        const cursor = (await sync(alice)).next_cursor;
        // A slow edit by bob on its own connection: its transaction id is drawn, then it waits.
        const slow = new pg.Client({ connectionString: testApp.database.url });
        await slow.connect();
        try {
          await slow.query('BEGIN');
          const { rows } = await slow.query(EDIT.text, [early.id, bob.id, 'after the edit', 0, false]);
          expect(rows).toHaveLength(1);
          // Meanwhile a later transaction commits a change alice sees.
          const quick = await sendMessage(testApp, carol, alice, 'quick one');
          await edit(carol, quick.id, 'quick, edited');

          const beforeCommit = await sync(alice, cursor);
          expect(beforeCommit.messages.map((message) => message.message)).toEqual(['quick, edited']);

          await slow.query('COMMIT');
          const afterCommit = await sync(alice, beforeCommit.next_cursor);
          expect(afterCommit.messages.map((message) => [message.id, message.message])).toContainEqual([
            early.id,
            'after the edit',
          ]);
        } finally {
          await slow.end();
        }
      });

      it('asks for a reload when more messages changed than it lists', async () => {
        const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
        await testApp.query(
          `INSERT INTO messages (sender_id, recipient_id, body) SELECT $1, $2, 'm' || i FROM generate_series(1, $3) i`,
          [alice.id, bob.id, SYNC_LIMIT + 1],
        );
        const cursor = (await sync(bob)).next_cursor;
        await testApp.query(
          `UPDATE messages SET changed_xid = pg_current_xact_id()::text::bigint WHERE sender_id = $1`,
          [alice.id],
        );
        const page = await sync(bob, cursor);
        expect({ reset: page.reset, messages: page.messages.length }).toEqual({ reset: true, messages: 0 });
      });
    });

    it('asks for a reload when more chats changed than it lists', async () => {
      const alice = await signupUser(testApp);
      const cursor = (await sync(alice)).next_cursor;
      await testApp.query(
        `INSERT INTO users (username, email, password_hash)
         SELECT 'many_' || i || '_' || $2, 'many_' || i || '_' || $2 || '@example.com', 'x' FROM generate_series(1, $1) i`,
        [SYNC_LIMIT + 1, alice.id],
      );
      await testApp.api().post('/send_to_all').set(bearer(alice)).send({ message: 'hello, all' }).expect(201);
      const page = await sync(alice, cursor);
      expect({ reset: page.reset, chats: page.chats.length }).toEqual({ reset: true, chats: 0 });
    });

    it.each([
      ['garbage', 'not-a-cursor'],
      ['a GET /chat cursor', Buffer.from('v1:5').toString('base64url')],
    ])('refuses %s as since with 400', async (_label, since) => {
      const alice = await signupUser(testApp);
      const response = await testApp.api().get('/sync').query({ since }).set(bearer(alice)).expect(400);
      expect(response.body.message).toMatch(/cursor/);
    });
  });
});
