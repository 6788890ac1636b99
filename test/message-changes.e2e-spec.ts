/*
 * Messages change (issue 19): edit, delete for everyone, reactions and replies, through the SDK a frontend
 * team uses, each rule checked against what a user would see (history, the chat list, unread counts) and
 * against what is stored.
 */
import {
  addReaction,
  type Client,
  deleteMessage,
  editMessage,
  getChatHistory,
  listChats,
  markChatRead,
  type MessageDto,
  removeReaction,
  sendMessage,
} from '@parley/client';
import { countInconsistentChats } from './support/chat-consistency.js';
import { signupUser, type TestUser } from './support/factories.js';
import { listenForSdk, type SdkTarget } from './support/sdk-client.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('messages change', () => {
  let testApp: TestApp;
  let sdk: SdkTarget;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let [asAlice, asBob, asCarol]: Client[] = [];

  beforeAll(async () => {
    testApp = await createTestApp();
    sdk = await listenForSdk(testApp);
    [alice, bob, carol] = [await signupUser(testApp), await signupUser(testApp), await signupUser(testApp)];
    [asAlice, asBob, asCarol] = [sdk.as(alice), sdk.as(bob), sdk.as(carol)];
  });

  afterAll(async () => {
    await testApp.close();
  });

  const send = async (client: Client, to: TestUser, message: string, replyToId?: number): Promise<MessageDto> =>
    (
      await sendMessage({
        client,
        body: { user_id: to.id, message, ...(replyToId !== undefined && { reply_to_id: replyToId }) },
        throwOnError: true,
      })
    ).data;

  const history = async (client: Client, peer: TestUser): Promise<MessageDto[]> =>
    (await getChatHistory({ client, path: { user_id: peer.id }, query: { limit: 200 }, throwOnError: true })).data
      .messages;

  const inHistory = async (client: Client, peer: TestUser, id: number): Promise<MessageDto | undefined> =>
    (await history(client, peer)).find((message) => message.id === id);

  const chatWith = async (client: Client, peer: TestUser) =>
    (await listChats({ client, query: { limit: 100 }, throwOnError: true })).data.chats.find(
      (chat) => chat.user_id === peer.id,
    );

  const storedRow = async (id: number) =>
    (await testApp.query('SELECT body, reactions, reply_to_id, deleted_at FROM messages WHERE id = $1', [id]))[0] as {
      body: string;
      reactions: unknown;
      reply_to_id: string | null;
      deleted_at: Date | null;
    };

  describe('PATCH /messages/{id}', () => {
    it('lets the sender change the text, which both users then see in history and in the chat list', async () => {
      const sent = await send(asAlice, bob, 'Helo, Bob');
      expect(sent.edited_at).toBeNull();

      const edited = await editMessage({ client: asAlice, path: { id: sent.id }, body: { message: 'Hello, Bob' } });
      expect(edited.response.status).toBe(200);
      expect(edited.data).toEqual({ ...sent, message: 'Hello, Bob', edited_at: expect.any(String) });

      expect(await inHistory(asBob, alice, sent.id)).toEqual(edited.data);
      expect((await chatWith(asBob, alice))?.last_message).toEqual(edited.data);
      expect((await chatWith(asAlice, bob))?.last_message).toEqual(edited.data);
    });

    it('answers 200 and changes nothing when the text is the same', async () => {
      const sent = await send(asAlice, bob, 'unchanged');
      const same = await editMessage({ client: asAlice, path: { id: sent.id }, body: { message: 'unchanged' } });
      expect([same.response.status, same.data]).toEqual([200, sent]);
      const [{ changed_xid }] = await testApp.query('SELECT changed_xid FROM messages WHERE id = $1', [sent.id]);
      expect(changed_xid).toBeNull();
    });

    it('refuses the recipient with 403 and anyone outside the conversation with the 404 of a missing id', async () => {
      const sent = await send(asAlice, bob, 'mine to change');
      const byRecipient = await editMessage({ client: asBob, path: { id: sent.id }, body: { message: 'hacked' } });
      expect(byRecipient.response.status).toBe(403);

      const byStranger = await editMessage({ client: asCarol, path: { id: sent.id }, body: { message: 'hacked' } });
      const missing = await editMessage({ client: asCarol, path: { id: sent.id + 1_000_000 }, body: { message: 'x' } });
      expect(byStranger.response.status).toBe(404);
      expect(missing.response.status).toBe(404);
      // The same answer, word for word but the id: nothing tells a stranger the message exists.
      expect(byStranger.error?.message.replace(String(sent.id), 'N')).toBe(
        missing.error?.message.replace(String(sent.id + 1_000_000), 'N'),
      );
      expect((await inHistory(asBob, alice, sent.id))?.message).toBe('mine to change');
    });

    it('refuses a deleted message with 409', async () => {
      const sent = await send(asAlice, bob, 'soon gone');
      await deleteMessage({ client: asAlice, path: { id: sent.id }, throwOnError: true });
      const edited = await editMessage({ client: asAlice, path: { id: sent.id }, body: { message: 'back?' } });
      expect(edited.response.status).toBe(409);
      expect((await storedRow(sent.id)).body).toBe('');
    });

    it('refuses an edit after the default 900 s window with 403', async () => {
      const sent = await send(asAlice, bob, 'old words');
      await testApp.query(`UPDATE messages SET created_at = now() - interval '901 seconds' WHERE id = $1`, [sent.id]);
      const edited = await editMessage({ client: asAlice, path: { id: sent.id }, body: { message: 'new words' } });
      expect(edited.response.status).toBe(403);
      expect(edited.error?.message).toMatch(/within 900 seconds/);
    });

    it('applies the same text rules as POST /send', async () => {
      const sent = await send(asAlice, bob, 'rules');
      for (const message of ['', '   ', 'x'.repeat(4001), 'nul\u0000']) {
        const edited = await editMessage({ client: asAlice, path: { id: sent.id }, body: { message } });
        expect(edited.response.status).toBe(400);
      }
    });
  });

  describe('DELETE /messages/{id}', () => {
    it('leaves a tombstone in place: same id and position, no text, no reactions, no reply', async () => {
      const parent = await send(asBob, alice, 'the question');
      const sent = await send(asAlice, bob, 'a secret answer', parent.id);
      const after = await send(asBob, alice, 'a later message');
      await addReaction({ client: asBob, path: { id: sent.id, emoji: '👍' }, throwOnError: true });

      const deleted = await deleteMessage({ client: asAlice, path: { id: sent.id } });
      expect(deleted.response.status).toBe(204);

      const ids = (await history(asBob, alice)).map((message) => message.id);
      expect(ids.indexOf(sent.id)).toBe(ids.indexOf(after.id) - 1);
      expect(await inHistory(asBob, alice, sent.id)).toEqual({
        ...sent,
        message: '',
        deleted_at: expect.any(String),
        reactions: [],
        reply_to: null,
      });
    });

    it('erases the text from the database, not hides it', async () => {
      const sent = await send(asAlice, bob, 'my bank PIN is 4921');
      await addReaction({ client: asBob, path: { id: sent.id, emoji: '😮' }, throwOnError: true });
      await deleteMessage({ client: asAlice, path: { id: sent.id }, throwOnError: true });
      expect(await storedRow(sent.id)).toEqual({
        body: '',
        reactions: null,
        reply_to_id: null,
        deleted_at: expect.any(Date),
      });
      const [{ found }] = await testApp.query(`SELECT count(*)::int AS found FROM messages WHERE body LIKE '%4921%'`);
      expect(found).toBe(0);
    });

    it('lowers the unread count of a message the recipient had not read, and marking read skips it', async () => {
      const [dave, erin] = [await signupUser(testApp), await signupUser(testApp)];
      const [asDave, asErin] = [sdk.as(dave), sdk.as(erin)];
      const first = await send(asDave, erin, 'one');
      await send(asDave, erin, 'two');
      expect((await chatWith(asErin, dave))?.unread_count).toBe(2);

      await deleteMessage({ client: asDave, path: { id: first.id }, throwOnError: true });
      expect((await chatWith(asErin, dave))?.unread_count).toBe(1);
      expect(await countInconsistentChats(testApp)).toBe(0);

      const read = await markChatRead({ client: asErin, path: { user_id: dave.id }, throwOnError: true });
      expect(read.data).toEqual({ updated: 1 });
      expect((await chatWith(asErin, dave))?.unread_count).toBe(0);
      expect(await countInconsistentChats(testApp)).toBe(0);
    });

    it('leaves a read message’s count alone', async () => {
      const [dave, erin] = [await signupUser(testApp), await signupUser(testApp)];
      const [asDave, asErin] = [sdk.as(dave), sdk.as(erin)];
      const read = await send(asDave, erin, 'read already');
      await markChatRead({ client: asErin, path: { user_id: dave.id }, throwOnError: true });
      await send(asDave, erin, 'unread');
      await deleteMessage({ client: asDave, path: { id: read.id }, throwOnError: true });
      expect((await chatWith(asErin, dave))?.unread_count).toBe(1);
      expect(await countInconsistentChats(testApp)).toBe(0);
    });

    it('shows the tombstone as the last message of both users’ chat lists', async () => {
      const [dave, erin] = [await signupUser(testApp), await signupUser(testApp)];
      const last = await send(sdk.as(dave), erin, 'last words');
      await deleteMessage({ client: sdk.as(dave), path: { id: last.id }, throwOnError: true });
      for (const [client, peer] of [
        [sdk.as(erin), dave],
        [sdk.as(dave), erin],
      ] as const) {
        expect((await chatWith(client, peer))?.last_message).toMatchObject({
          id: last.id,
          message: '',
          deleted_at: expect.any(String),
        });
      }
    });

    it('is idempotent: a second delete is 204 again', async () => {
      const sent = await send(asAlice, bob, 'twice');
      await deleteMessage({ client: asAlice, path: { id: sent.id }, throwOnError: true });
      const first = await inHistory(asAlice, bob, sent.id);
      const again = await deleteMessage({ client: asAlice, path: { id: sent.id } });
      expect(again.response.status).toBe(204);
      expect(await inHistory(asAlice, bob, sent.id)).toEqual(first);
    });

    it('refuses the recipient with 403 and a stranger with 404', async () => {
      const sent = await send(asAlice, bob, 'stays');
      expect((await deleteMessage({ client: asBob, path: { id: sent.id } })).response.status).toBe(403);
      expect((await deleteMessage({ client: asCarol, path: { id: sent.id } })).response.status).toBe(404);
      expect((await storedRow(sent.id)).body).toBe('stays');
    });

    it('has no time limit by default (MESSAGE_DELETE_WINDOW_SECONDS=0)', async () => {
      const sent = await send(asAlice, bob, 'from last year');
      await testApp.query(`UPDATE messages SET created_at = now() - interval '365 days' WHERE id = $1`, [sent.id]);
      expect((await deleteMessage({ client: asAlice, path: { id: sent.id } })).response.status).toBe(204);
    });
  });

  describe('reactions', () => {
    const reactionsOf = async (id: number) => (await inHistory(asAlice, bob, id))?.reactions;

    it('either user may react; each emoji once per user, in order of first use', async () => {
      const sent = await send(asAlice, bob, 'react to me');
      const added = await addReaction({ client: asBob, path: { id: sent.id, emoji: '👍' } });
      expect(added.response.status).toBe(204);
      await addReaction({ client: asBob, path: { id: sent.id, emoji: '👍' }, throwOnError: true });
      await addReaction({ client: asAlice, path: { id: sent.id, emoji: '😂' }, throwOnError: true });
      await addReaction({ client: asAlice, path: { id: sent.id, emoji: '👍' }, throwOnError: true });
      expect(await reactionsOf(sent.id)).toEqual([
        { emoji: '👍', user_ids: [bob.id, alice.id] },
        { emoji: '😂', user_ids: [alice.id] },
      ]);

      const removed = await removeReaction({ client: asBob, path: { id: sent.id, emoji: '👍' } });
      expect(removed.response.status).toBe(204);
      await removeReaction({ client: asAlice, path: { id: sent.id, emoji: '😂' }, throwOnError: true });
      expect(await reactionsOf(sent.id)).toEqual([{ emoji: '👍', user_ids: [alice.id] }]);

      const absent = await removeReaction({ client: asBob, path: { id: sent.id, emoji: '🙏' } });
      expect(absent.response.status).toBe(204);
    });

    it('counts ❤ typed without its emoji selector as the same reaction as ❤️', async () => {
      const sent = await send(asAlice, bob, 'love');
      await addReaction({ client: asBob, path: { id: sent.id, emoji: '❤' }, throwOnError: true });
      await addReaction({ client: asBob, path: { id: sent.id, emoji: '❤️' }, throwOnError: true });
      expect(await reactionsOf(sent.id)).toEqual([{ emoji: '❤️', user_ids: [bob.id] }]);
    });

    it('takes one emoji, a ZWJ or skin-tone sequence included, and refuses anything else with 400', async () => {
      const sent = await send(asAlice, bob, 'emoji rules');
      for (const emoji of ['👨‍👩‍👧‍👦', '👍🏽', '🇫🇷']) {
        await addReaction({ client: asBob, path: { id: sent.id, emoji }, throwOnError: true });
      }
      for (const emoji of ['👍👍', 'ok', '1', 'x'.repeat(1000)]) {
        expect((await addReaction({ client: asBob, path: { id: sent.id, emoji } })).response.status).toBe(400);
      }
    });

    it('allows at most 20 different reactions by one user on one message (409 past that)', async () => {
      const sent = await send(asAlice, bob, 'flood me');
      const emoji = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙🥲😚🙂🤗'];
      for (const one of emoji.slice(0, 20)) {
        await addReaction({ client: asBob, path: { id: sent.id, emoji: one }, throwOnError: true });
      }
      const over = await addReaction({ client: asBob, path: { id: sent.id, emoji: emoji[20] } });
      expect(over.response.status).toBe(409);
      // Another user has a cap of their own.
      await addReaction({ client: asAlice, path: { id: sent.id, emoji: emoji[20] }, throwOnError: true });
      expect((await reactionsOf(sent.id))?.length).toBe(21);
    });

    it('refuses a deleted message with 409 and a stranger with 404', async () => {
      const sent = await send(asAlice, bob, 'gone');
      expect((await addReaction({ client: asCarol, path: { id: sent.id, emoji: '👍' } })).response.status).toBe(404);
      expect((await removeReaction({ client: asCarol, path: { id: sent.id, emoji: '👍' } })).response.status).toBe(404);
      await deleteMessage({ client: asAlice, path: { id: sent.id }, throwOnError: true });
      expect((await addReaction({ client: asBob, path: { id: sent.id, emoji: '👍' } })).response.status).toBe(409);
    });
  });

  describe('replies', () => {
    it('quote the first 140 characters of the parent as it is now', async () => {
      const long = `${'a'.repeat(139)}😀 and more`;
      const parent = await send(asBob, alice, long);
      const reply = await send(asAlice, bob, 'a reply', parent.id);
      expect(reply.reply_to).toEqual({
        id: parent.id,
        sender_id: bob.id,
        preview: `${'a'.repeat(139)}😀`,
        deleted: false,
      });

      await editMessage({ client: asBob, path: { id: parent.id }, body: { message: 'shorter' }, throwOnError: true });
      expect((await inHistory(asAlice, bob, reply.id))?.reply_to).toMatchObject({ preview: 'shorter', deleted: false });

      await deleteMessage({ client: asBob, path: { id: parent.id }, throwOnError: true });
      expect((await inHistory(asBob, alice, reply.id))?.reply_to).toEqual({
        id: parent.id,
        sender_id: bob.id,
        preview: '',
        deleted: true,
      });
    });

    it('must stay in their conversation: 400 for another of yours, 404 for one you cannot see', async () => {
      const withCarol = await send(asAlice, carol, 'to carol');
      const acrossMine = await sendMessage({
        client: asAlice,
        body: { user_id: bob.id, message: 'wrong thread', reply_to_id: withCarol.id },
      });
      expect(acrossMine.response.status).toBe(400);

      const notMine = await send(asBob, carol, 'bob to carol');
      const acrossTheirs = await sendMessage({
        client: asAlice,
        body: { user_id: bob.id, message: 'peeking', reply_to_id: notMine.id },
      });
      expect(acrossTheirs.response.status).toBe(404);
      const missing = await sendMessage({
        client: asAlice,
        body: { user_id: bob.id, message: 'nothing', reply_to_id: notMine.id + 1_000_000 },
      });
      expect(missing.response.status).toBe(404);
    });
  });
});

describe('messages change within a small window', () => {
  let testApp: TestApp;
  let sdk: SdkTarget;

  beforeAll(async () => {
    testApp = await createTestApp({ env: { MESSAGE_EDIT_WINDOW_SECONDS: '60', MESSAGE_DELETE_WINDOW_SECONDS: '30' } });
    sdk = await listenForSdk(testApp);
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('edits and deletes inside the window, and answers 403 past it', async () => {
    const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
    const asAlice = sdk.as(alice);
    const send = async (message: string) =>
      (await sendMessage({ client: asAlice, body: { user_id: bob.id, message }, throwOnError: true })).data;
    const age = (id: number, seconds: number) =>
      testApp.query(`UPDATE messages SET created_at = now() - make_interval(secs => $2) WHERE id = $1`, [id, seconds]);

    const recent = await send('recent');
    await age(recent.id, 50);
    expect(
      (await editMessage({ client: asAlice, path: { id: recent.id }, body: { message: 'ok' } })).response.status,
    ).toBe(200);
    await age(recent.id, 61);
    const late = await editMessage({ client: asAlice, path: { id: recent.id }, body: { message: 'late' } });
    expect([late.response.status, late.error?.message]).toEqual([
      403,
      'A message can be edited only within 60 seconds of sending',
    ]);

    const toDelete = await send('delete me');
    await age(toDelete.id, 31);
    const tooLate = await deleteMessage({ client: asAlice, path: { id: toDelete.id } });
    expect(tooLate.response.status).toBe(403);
    await age(toDelete.id, 20);
    expect((await deleteMessage({ client: asAlice, path: { id: toDelete.id } })).response.status).toBe(204);
  });
});
