/* Races: counts stay exact when many requests hit one chat at once, whatever they do to its messages. */
import type { Response } from 'supertest';
import { countInconsistentChats } from '../support/chat-consistency.js';
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

describe('concurrent sends and reads', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(async () => {
    await testApp.close();
  });

  const unreadCount = async (owner: { token: string }, peerId: number) => {
    const response = await testApp.api().get('/chat').set(bearer(owner)).expect(200);
    return response.body.chats.find((c: { user_id: number }) => c.user_id === peerId)?.unread_count as number;
  };

  it('200 parallel sends into one chat leave unread_count at exactly 200', async () => {
    const [sender, recipient] = [await signupUser(testApp), await signupUser(testApp)];
    const sends = Array.from({ length: 200 }, (_, i) =>
      testApp
        .api()
        .post('/send')
        .set(bearer(sender))
        .send({ user_id: recipient.id, message: `burst ${i}` }),
    );
    const responses = await Promise.all(sends);
    expect(responses.map((r) => r.status)).toEqual(Array(200).fill(201));

    expect(await unreadCount(recipient, sender.id)).toBe(200);
    expect(await countInconsistentChats(testApp)).toBe(0);
  });

  it('sends in both directions at once neither deadlock nor lose a count', async () => {
    const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
    const sends = Array.from({ length: 100 }, (_, i) => {
      const [from, to] = i % 2 === 0 ? [alice, bob] : [bob, alice];
      return testApp
        .api()
        .post('/send')
        .set(bearer(from))
        .send({ user_id: to.id, message: `ping ${i}` });
    });
    expect((await Promise.all(sends)).every((r) => r.status === 201)).toBe(true);
    expect(await unreadCount(alice, bob.id)).toBe(50);
    expect(await unreadCount(bob, alice.id)).toBe(50);
    expect(await countInconsistentChats(testApp)).toBe(0);
  });

  it('sends racing with reads never leave a count negative or wrong', async () => {
    const [sender, reader] = [await signupUser(testApp), await signupUser(testApp)];
    const work = Array.from({ length: 120 }, (_, i) =>
      i % 3 === 0
        ? testApp.api().post(`/read/${sender.id}`).set(bearer(reader)).send({})
        : testApp
            .api()
            .post('/send')
            .set(bearer(sender))
            .send({ user_id: reader.id, message: `race ${i}` }),
    );
    const responses = await Promise.all(work);
    expect(responses.every((r) => r.status === 200 || r.status === 201)).toBe(true);

    const [{ unread }] = await testApp.query(
      'SELECT count(*)::int AS unread FROM messages WHERE sender_id = $1 AND recipient_id = $2 AND read_at IS NULL',
      [sender.id, reader.id],
    );
    expect(await unreadCount(reader, sender.id)).toBe(unread);
    expect(await countInconsistentChats(testApp)).toBe(0);
  });

  it('up_to_id marks only what the reader saw, even while new messages arrive', async () => {
    const [sender, reader] = [await signupUser(testApp), await signupUser(testApp)];
    const seen: MessageBody[] = [];
    for (let i = 0; i < 5; i++) seen.push(await sendMessage(testApp, sender, reader, `seen ${i}`));
    const lastSeen = seen[seen.length - 1].id;

    const [read] = await Promise.all([
      testApp.api().post(`/read/${sender.id}`).set(bearer(reader)).send({ up_to_id: lastSeen }),
      ...Array.from({ length: 10 }, (_, i) =>
        testApp
          .api()
          .post('/send')
          .set(bearer(sender))
          .send({ user_id: reader.id, message: `unseen ${i}` }),
      ),
    ]);
    expect(read.body).toEqual({ updated: 5 });
    expect(await unreadCount(reader, sender.id)).toBe(10);
    const [{ wronglyRead }] = await testApp.query(
      'SELECT count(*)::int AS "wronglyRead" FROM messages WHERE sender_id = $1 AND id > $2 AND read_at IS NOT NULL',
      [sender.id, lastSeen],
    );
    expect(wronglyRead).toBe(0);
    expect(await countInconsistentChats(testApp)).toBe(0);
  });
});

describe('concurrent changes to messages', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    // Limits far above what these tests send: a 429 must not stand in for the race under test.
    testApp = await createTestApp({
      env: {
        RATE_LIMIT_EDIT_PER_USER: '100000',
        RATE_LIMIT_REACT_PER_USER: '100000',
        RATE_LIMIT_SEND_PER_USER: '100000',
      },
    });
  });

  afterAll(async () => {
    await testApp.close();
  });

  interface Work {
    kind: 'edit' | 'delete' | 'send' | 'read' | 'react' | 'unreact';
    messageId?: number;
    request: () => PromiseLike<Response>;
  }
  // What each kind of change may answer while others race it: an edit or a reaction may find its message deleted.
  const ALLOWED: Record<Work['kind'], number[]> = {
    edit: [200, 409],
    delete: [204],
    send: [201],
    read: [200],
    react: [204, 409],
    unreact: [204],
  };

  const api = (user: TestUser) => ({
    edit: (messageId: number, message: string): Work => ({
      kind: 'edit',
      messageId,
      request: () => testApp.api().patch(messagePath(messageId)).set(bearer(user)).send({ message }),
    }),
    delete: (messageId: number): Work => ({
      kind: 'delete',
      messageId,
      request: () => testApp.api().delete(messagePath(messageId)).set(bearer(user)),
    }),
    send: (to: TestUser, message: string): Work => ({
      kind: 'send',
      request: () => testApp.api().post('/send').set(bearer(user)).send({ user_id: to.id, message }),
    }),
    read: (peer: TestUser): Work => ({
      kind: 'read',
      request: () => testApp.api().post(`/read/${peer.id}`).set(bearer(user)).send({}),
    }),
    react: (messageId: number, emoji: string): Work => ({
      kind: 'react',
      messageId,
      request: () => testApp.api().put(messagePath(messageId, emoji)).set(bearer(user)),
    }),
    unreact: (messageId: number, emoji: string): Work => ({
      kind: 'unreact',
      messageId,
      request: () => testApp.api().delete(messagePath(messageId, emoji)).set(bearer(user)),
    }),
  });

  /** Runs all the work at once; every answer must be one its kind allows (never a 5xx). */
  const race = async (work: Work[]) => {
    const answers = await Promise.all(
      work.map(async (item) => {
        const response = await item.request();
        return { ...item, status: response.status, body: response.body as Record<string, unknown> };
      }),
    );
    const unexpected = answers.filter(({ kind, status }) => !ALLOWED[kind].includes(status));
    expect(unexpected.map(({ kind, status, body }) => ({ kind, status, body }))).toEqual([]);
    return answers;
  };

  const unreadCount = async (owner: TestUser, peer: TestUser) => {
    const response = await testApp.api().get('/chat').set(bearer(owner)).expect(200);
    return response.body.chats.find((c: { user_id: number }) => c.user_id === peer.id) as {
      unread_count: number;
      last_message: MessageBody;
    };
  };

  /** The chat rows, the list and the messages table agree, for both sides; every tombstone is erased. */
  const expectConsistent = async (alice: TestUser, bob: TestUser) => {
    expect(await countInconsistentChats(testApp)).toBe(0);
    for (const [owner, peer] of [
      [alice, bob],
      [bob, alice],
    ]) {
      const [{ unread }] = await testApp.query(
        `SELECT count(*)::int AS unread FROM messages
          WHERE sender_id = $1 AND recipient_id = $2 AND read_at IS NULL AND deleted_at IS NULL`,
        [peer.id, owner.id],
      );
      const [newest] = await testApp.query(
        `SELECT id::int, body FROM messages WHERE (sender_id, recipient_id) IN (($1, $2), ($2, $1))
          ORDER BY id DESC LIMIT 1`,
        [owner.id, peer.id],
      );
      const chat = await unreadCount(owner, peer);
      expect(chat.unread_count).toBe(unread);
      expect({ id: chat.last_message.id, message: chat.last_message.message }).toEqual({
        id: newest.id,
        message: newest.body,
      });
    }
    const [{ dirty }] = await testApp.query(
      `SELECT count(*)::int AS dirty FROM messages
        WHERE (sender_id, recipient_id) IN (($1, $2), ($2, $1))
          AND deleted_at IS NOT NULL AND (body <> '' OR edited_at IS NOT NULL OR reactions IS NOT NULL)`,
      [alice.id, bob.id],
    );
    expect(dirty).toBe(0);
  };

  it('edits, deletes, sends, reads and reactions from both users at once keep every count exact', async () => {
    const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
    const sent = new Map<number, MessageBody[]>([
      [alice.id, []],
      [bob.id, []],
    ]);
    for (let i = 0; i < 12; i++) {
      sent.get(alice.id)!.push(await sendMessage(testApp, alice, bob, `from alice ${i}`));
      sent.get(bob.id)!.push(await sendMessage(testApp, bob, alice, `from bob ${i}`));
    }

    const work: Work[] = [];
    for (let i = 0; i < 12; i++) {
      for (const [me, peer] of [
        [alice, bob],
        [bob, alice],
      ]) {
        const mine = sent.get(me.id)![i];
        const theirs = sent.get(peer.id)![i];
        const as = api(me);
        work.push(as.edit(mine.id, `${me.username} edit ${i}`));
        if (i % 3 === 0) work.push(as.delete(mine.id));
        work.push(as.react(theirs.id, '👍'), as.react(mine.id, '❤️'));
        work.push(as.send(peer, `${me.username} new ${i}`));
        if (i % 2 === 0) work.push(as.read(peer));
        work.push(as.edit(mine.id, `${me.username} edit ${i} again`));
        if (i % 4 === 1) work.push(as.unreact(theirs.id, '👍'), as.delete(mine.id));
      }
    }
    const answers = await race(work);

    await expectConsistent(alice, bob);
    // A 409 to an edit or a reaction means its message is a tombstone.
    for (const { messageId } of answers.filter(({ status }) => status === 409)) {
      expect((await storedMessage(testApp, messageId!)).deleted_at).not.toBeNull();
    }
    // An edit that answered 200 answered with the live message it changed.
    for (const { body } of answers.filter(({ kind, status }) => kind === 'edit' && status === 200)) {
      expect(body).toMatchObject({ deleted_at: null, edited_at: expect.any(String) });
    }
  });

  it('an edit racing a delete ends in the tombstone or a 409, never an edited tombstone with text', async () => {
    const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
    const messages: MessageBody[] = [];
    for (let i = 0; i < 20; i++) messages.push(await sendMessage(testApp, alice, bob, `to take back ${i}`));
    const as = api(alice);
    const answers = await race(
      messages.flatMap((m, i) => [
        as.edit(m.id, `first edit ${i}`),
        as.delete(m.id),
        as.edit(m.id, `second edit ${i}`),
        api(bob).read(alice),
        as.edit(m.id, `third edit ${i}`),
      ]),
    );

    for (const answer of answers.filter(({ kind }) => kind === 'edit')) {
      if (answer.status === 200) expect(answer.body).toMatchObject({ deleted_at: null });
      else expect(answer.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
    }
    for (const m of messages) {
      // After the race, an edit finds the tombstone: 409, and the row stays erased.
      const late = await testApp.api().patch(messagePath(m.id)).set(bearer(alice)).send({ message: 'too late' });
      expect([m.id, late.status]).toEqual([m.id, 409]);
      expect(await storedMessage(testApp, m.id)).toEqual({
        body: '',
        edited_at: null,
        deleted_at: expect.any(Date),
        reactions: null,
        reply_to_id: null,
      });
    }
    expect((await unreadCount(bob, alice)).unread_count).toBe(0);
    await expectConsistent(alice, bob);
  });

  it('25 different emojis PUT at once by one user end with exactly 20: the cap holds under concurrency', async () => {
    const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
    const message = await sendMessage(testApp, alice, bob, 'flood me at once');
    const emojis = Array.from({ length: 25 }, (_, i) => String.fromCodePoint(0x1f600 + i));
    const answers = await race(emojis.map((emoji) => api(bob).react(message.id, emoji)));

    expect(answers.map(({ status }) => status).sort()).toEqual([...Array(20).fill(204), ...Array(5).fill(409)]);
    const { reactions } = await storedMessage(testApp, message.id);
    expect(reactions).toHaveLength(20);
    expect(reactions!.every((r) => r.user_ids.length === 1 && r.user_ids[0] === bob.id)).toBe(true);
    expect(new Set(reactions!.map((r) => r.emoji)).size).toBe(20);
  });

  it('both users putting the same emoji at once make one entry holding each of them once', async () => {
    const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
    const message = await sendMessage(testApp, alice, bob, 'agree with me');
    await race(
      Array.from({ length: 30 }, (_, i) => api(i % 2 === 0 ? alice : bob).react(message.id, i % 3 === 0 ? '❤' : '❤️')),
    );
    const { reactions } = await storedMessage(testApp, message.id);
    expect(reactions).toEqual([{ emoji: '❤️', user_ids: expect.arrayContaining([alice.id, bob.id]) }]);
    expect(reactions![0].user_ids).toHaveLength(2);
  });
});
