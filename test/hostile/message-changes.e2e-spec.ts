/*
 * Hostile input at the routes that change a message (PATCH and DELETE /messages/{id}, PUT and DELETE
 * /messages/{id}/reactions/{emoji}) and at POST /send's reply_to_id: absurd ids, anything in the emoji's place
 * that is not exactly one emoji (invalid percent-encoding and unpaired surrogates included), hostile bodies,
 * and a reaction flood. Every refusal is a 4xx in the one error shape, never a 500, and changes nothing.
 *
 * Decisions it pins down: a path id is a positive safe integer (else 400); one that parses to an integer the
 * caller cannot see is 404; an emoji is one RGI emoji of at most 32 UTF-16 units, and one typed without its
 * U+FE0F (❤ for ❤️) is the same reaction; one user puts at most 20 different reactions on one message.
 */
import { STATUS_CODES } from 'node:http';
import type { Response } from 'supertest';
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

const ZWJ = '\u200d';
const FAMILY = '👨‍👩‍👧‍👦';
const enc = encodeURIComponent;

// As sent on the wire: text is URL-encoded as a client would; byte-level tricks are sent raw.
const NOT_AN_ID: string[] = [
  '0',
  '-1',
  '-0',
  '1.5',
  '9007199254740992', // 2^53: past Number.MAX_SAFE_INTEGER
  '9007199254740993', // rounds to 2^53 as a double
  '9223372036854775808', // 2^63: past bigint
  '1' + '0'.repeat(400), // a double's Infinity
  'abc',
  'NaN',
  'Infinity',
  '-Infinity',
  '1_000',
  '1,5',
  '[1]',
  '%00',
  '1%00',
  '%20',
  '%09',
  '%2531', // a double-encoded "1"
  '%EF%BC%91', // a fullwidth digit one
  '%D9%A1', // an Arabic-Indic digit one
  '1%2F2',
  '..%2F..%2Fusers',
  '%2E%2E',
  "1'%20OR%20'1'='1",
  '1;%20DROP%20TABLE%20messages',
  '%7B%22%24gt%22%3A0%7D', // {"$gt":0}
  '9'.repeat(4000),
  'a'.repeat(8000),
  enc('👍').repeat(600),
  '%E0%A4%A', // invalid percent-encoding
  '%',
  '%F0%9F', // a truncated 4-byte sequence
  '%ED%A0%80', // an unpaired surrogate (CESU-8)
];

// Strings Number() reads as an integer: each is some id, which a user with no conversations cannot see.
const ID_ALIASES = ['1e3', '0x10', '0b1', '0o7', '+1', '%2B1', '%201', '1.0', '1' + '0'.repeat(15)];

const HOSTILE_EMOJIS: [label: string, segment: string][] = [
  ['two emojis', enc('👍👍')],
  ['an emoji and a heart', enc('👍❤️')],
  ['plain text', 'ok'],
  ['a letter', 'a'],
  ['a digit', '1'],
  ['a digit with U+FE0F but no keycap', enc('1\ufe0f')],
  ['a hash sign', enc('#')],
  ['a lone regional indicator', enc('🇫')],
  ['three regional indicators', enc('🇫🇷🇫')],
  ['a lone ZWJ', enc(ZWJ)],
  ['a lone U+FE0F', enc('\ufe0f')],
  ['an emoji and a trailing ZWJ', enc('👍' + ZWJ)],
  ['a skin tone on a heart', enc('❤🏽')],
  ['two families joined (not RGI, under the cap)', enc(FAMILY + ZWJ + FAMILY)],
  ['three families joined (past the 32-unit cap)', enc([FAMILY, FAMILY, FAMILY].join(ZWJ))],
  ['a flag padded with 20 tags', enc('🏴' + '\u{e0067}'.repeat(20) + '\u{e007f}')],
  ['1 000 letters', 'x'.repeat(1000)],
  ['500 emojis (1 000 UTF-16 units)', enc('👍'.repeat(500))],
  ['1 000 combining marks on an emoji', enc('👍' + '\u0301'.repeat(1000))],
  ['an emoji and a leading space', enc(' 👍')],
  ['an emoji and a trailing NUL', enc('👍\u0000')],
  ['NUL', '%00'],
  ['an RTL override and an emoji', enc('\u202e👍')],
  ['markup', enc('<img src=x onerror=alert(1)>')],
  ['SQL after an emoji', enc("👍'); DROP TABLE messages; --")],
  ['a double-encoded emoji', enc(enc('👍'))],
  ['an encoded slash', '%2F'],
  ['two emojis around an encoded slash', enc('👍') + '%2F' + enc('👍')],
  ['an encoded backslash', '%5C'],
  ['encoded dot segments', '%2E%2E'],
  ['an encoded percent sign', '%25'],
  ['an unpaired high surrogate (CESU-8)', '%ED%A0%80'],
  ['an unpaired low surrogate (CESU-8)', '%ED%B0%80'],
  ['a surrogate pair in CESU-8', '%ED%A0%BD%ED%B1%8D'],
  ['invalid percent-encoding', '%E0%A4%A'],
  ['a bare percent sign', '%'],
  ['a truncated 4-byte sequence', '%F0%9F'],
  ['a truncated 👍', '%F0%9F%91'],
  ['an invalid byte', '%FF'],
  ['an overlong slash', '%C0%AF'],
];

const VALID_EMOJIS = ['👍', '❤️', '👍🏽', FAMILY, '🇫🇷', '1️⃣'];

/** A 4xx among `statuses`, in the one error shape, with nothing of the server's insides. */
function expectRefused(response: Response, label: string, statuses: number[]): void {
  expect([label, response.status, statuses.includes(response.status)]).toEqual([label, response.status, true]);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect([label, response.body]).toEqual([
    label,
    expect.objectContaining({
      statusCode: response.status,
      error: STATUS_CODES[response.status],
      message: expect.any(String),
    }),
  ]);
  expect(JSON.stringify(response.body)).not.toMatch(
    /node_modules|at \w+ \(|\.ts:\d|SELECT|UPDATE|QueryFailedError|jsonb|advisory/,
  );
}

describe('hostile input to message changes', () => {
  let testApp: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let stranger: TestUser;
  let cases = 0;

  beforeAll(async () => {
    // Limits far above what these tests send: a 429 must not stand in for the answer under test.
    testApp = await createTestApp({
      env: { RATE_LIMIT_EDIT_PER_USER: '100000', RATE_LIMIT_REACT_PER_USER: '100000' },
    });
    [alice, bob, stranger] = [await signupUser(testApp), await signupUser(testApp), await signupUser(testApp)];
  });

  afterAll(async () => {
    await testApp.api().get('/health').expect(200);
    console.log(`hostile message-change cases sent: ${cases}`);
    await testApp.close();
  });

  const routes = (id: string) => {
    cases += 4;
    return [
      [`PATCH /messages/${id}`, testApp.api().patch(`/messages/${id}`).send({ message: 'hostile' })],
      [`DELETE /messages/${id}`, testApp.api().delete(`/messages/${id}`)],
      [`PUT /messages/${id}/reactions/👍`, testApp.api().put(`/messages/${id}/reactions/${enc('👍')}`)],
      [`DELETE /messages/${id}/reactions/👍`, testApp.api().delete(`/messages/${id}/reactions/${enc('👍')}`)],
    ] as const;
  };
  const react = (user: TestUser, messageId: number, segment: string, method: 'put' | 'delete' = 'put') => {
    cases++;
    return testApp.api()[method](`/messages/${messageId}/reactions/${segment}`).set(bearer(user));
  };
  const edit = (user: TestUser, messageId: number) => {
    cases++;
    return testApp.api().patch(messagePath(messageId)).set(bearer(user));
  };
  const reactionsOn = async (reader: TestUser, message: MessageBody) => {
    const peer = reader.id === message.sender_id ? message.recipient_id : message.sender_id;
    const history = await testApp.api().get(`/chat/${peer}`).set(bearer(reader)).expect(200);
    return history.body.messages.find((m: MessageBody) => m.id === message.id).reactions as MessageBody['reactions'];
  };

  describe('message ids in the path', () => {
    it.each(NOT_AN_ID.map((id) => [id.length > 40 ? `${id.slice(0, 20)}… (${id.length})` : id, id]))(
      '%s: 400 on every route',
      async (_label, id) => {
        for (const [label, request] of routes(id)) expectRefused(await request.set(bearer(alice)), label, [400]);
      },
    );

    it('ids that parse to an integer are 404 for a user who cannot see them, as for any unknown id', async () => {
      await sendMessage(testApp, alice, bob, 'some message, so that some ids exist');
      for (const id of ID_ALIASES) {
        for (const [label, request] of routes(id)) {
          const response = await request.set(bearer(stranger));
          expectRefused(response, label, [404]);
          expect(response.body.message).toMatch(/^No message has id \d+$/);
        }
      }
    });

    it('an empty id matches no route: 404 in the error shape', async () => {
      for (const path of ['/messages/', '/messages//reactions/%F0%9F%91%8D']) {
        cases += 2;
        expectRefused(await testApp.api().patch(path).set(bearer(alice)).send({ message: 'x' }), path, [404]);
        expectRefused(await testApp.api().put(path).set(bearer(alice)), path, [404]);
      }
    });

    it('none of them changed a message', async () => {
      const [{ changed }] = await testApp.query(
        `SELECT count(*)::int AS changed FROM messages
          WHERE edited_at IS NOT NULL OR deleted_at IS NOT NULL OR reactions IS NOT NULL`,
      );
      expect(changed).toBe(0);
    });
  });

  describe('emojis in the path', () => {
    let target: MessageBody;

    beforeAll(async () => {
      target = await sendMessage(testApp, alice, bob, 'react to me, if you can');
    });

    it.each(HOSTILE_EMOJIS)('%s: 400 on PUT and DELETE', async (label, segment) => {
      for (const method of ['put', 'delete'] as const) {
        expectRefused(await react(bob, target.id, segment, method), `${method} ${label}`, [400]);
      }
    });

    it('an unencoded slash makes another path: 404, not a reaction', async () => {
      const response = await testApp
        .api()
        .put(`/messages/${target.id}/reactions/${enc('👍')}/${enc('👍')}`)
        .set(bearer(bob));
      expectRefused(response, 'two segments', [404]);
    });

    it('none of them put a reaction on the message', async () => {
      expect((await storedMessage(testApp, target.id)).reactions).toBeNull();
    });

    it('every valid form is accepted, and ❤ (without U+FE0F) is the same reaction as ❤️', async () => {
      const message = await sendMessage(testApp, alice, bob, 'react with anything valid');
      for (const emoji of [...VALID_EMOJIS, '❤']) await react(bob, message.id, enc(emoji)).expect(204);
      const expected = VALID_EMOJIS.map((emoji) => ({ emoji, user_ids: [bob.id] }));
      expect(await reactionsOn(alice, message)).toEqual(expected);
      expect((await storedMessage(testApp, message.id)).reactions).toEqual(expected);

      await react(alice, message.id, enc('❤')).expect(204);
      await react(bob, message.id, enc('❤'), 'delete').expect(204);
      expect((await reactionsOn(bob, message)).find((r) => r.emoji === '❤️')).toEqual({
        emoji: '❤️',
        user_ids: [alice.id],
      });
    });
  });

  it('a malformed X-Socket-Id is 400 naming the header on every route, and changes nothing', async () => {
    const message = await sendMessage(testApp, alice, bob, 'announce me properly');
    for (const socketId of ["' OR 1=1 --", 'a'.repeat(65), 'room/../other', '%E2%80%AEgnp', 'two words', '']) {
      for (const [label, request] of routes(String(message.id))) {
        const response = await request.set(bearer(alice)).set('X-Socket-Id', socketId);
        expectRefused(response, `${label} X-Socket-Id ${socketId}`, [400]);
        expect(response.body.message).toMatch(/X-Socket-Id/);
      }
    }
    expect(await storedMessage(testApp, message.id)).toMatchObject({
      body: 'announce me properly',
      edited_at: null,
      deleted_at: null,
      reactions: null,
    });
  });

  describe('PATCH bodies', () => {
    let target: MessageBody;

    beforeAll(async () => {
      target = await sendMessage(testApp, alice, bob, 'the original text');
    });

    it.each([
      ['no message', {}, 'message'],
      ['an empty message', { message: '' }, 'message'],
      ['white space only', { message: ' \n\t\u00a0\u2003 ' }, 'message'],
      ['4001 characters', { message: 'x'.repeat(4001) }, 'message'],
      ['4001 emojis', { message: '👍'.repeat(4001) }, 'message'],
      ['a NUL character', { message: 'nul\u0000byte' }, 'message'],
      ['a number', { message: 42 }, 'message'],
      ['null', { message: null }, 'message'],
      ['a boolean', { message: true }, 'message'],
      ['an array of strings', { message: ['hi'] }, 'message'],
      ['an object', { message: { text: 'hi' } }, 'message'],
      ['an extra field', { message: 'hi', extra: 1 }, 'extra'],
      ['a sender_id', { message: 'hi', sender_id: 1 }, 'sender_id'],
      ['an id', { message: 'hi', id: 1 }, 'id'],
      ['a user_id', { message: 'hi', user_id: 1 }, 'user_id'],
      ['a deleted_at', { message: 'hi', deleted_at: null }, 'deleted_at'],
      ['an edited_at', { message: 'hi', edited_at: '2000-01-01T00:00:00Z' }, 'edited_at'],
      ['reactions', { message: 'hi', reactions: [{ emoji: '👍', user_ids: [1] }] }, 'reactions'],
      ['a reply_to_id', { message: 'hi', reply_to_id: 1 }, 'reply_to_id'],
    ])('%s: 400 naming the field', async (label, body, field) => {
      const response = await edit(alice, target.id).send(body);
      expectRefused(response, label, [400]);
      expect(response.body.details.map((detail: { field: string }) => detail.field)).toEqual([field]);
    });

    it.each([
      ['truncated JSON', '{"message": "hel'],
      ['an array', '[{"message": "hi"}]'],
      ['null', 'null'],
      ['a string', '"hi"'],
      ['a number', '42'],
      ['deep nesting', '{"message":'.repeat(5_000) + '"x"' + '}'.repeat(5_000)],
      ['an escaped unpaired surrogate', '{"message": "a\\ud800b"}'],
      ['an escaped NUL', '{"message": "a\\u0000b"}'],
      [
        'invalid UTF-8 bytes',
        Buffer.from([0x7b, 0x22, 0x6d, 0x65, 0x73, 0x73, 0x61, 0x67, 0x65, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]),
      ],
      ['a duplicate key whose last value is empty', '{"message": "fine", "message": ""}'],
    ])('%s: 400', async (label, raw) => {
      expectRefused(await edit(alice, target.id).set('Content-Type', 'application/json').send(raw), label, [400]);
    });

    it('a body that is not JSON is 400, and a 10 MB one 413', async () => {
      const plain = await edit(alice, target.id).set('Content-Type', 'text/plain').send('new text');
      expectRefused(plain, 'text/plain', [400]);
      const huge = await edit(alice, target.id)
        .set('Content-Type', 'application/json')
        .send(`{"message": "${'x'.repeat(10 * 1024 * 1024)}"}`);
      expectRefused(huge, '10 MB', [413]);
    });

    it('a __proto__ key pollutes nothing', async () => {
      const other = await sendMessage(testApp, alice, bob, 'another text');
      const response = await edit(alice, other.id)
        .set('Content-Type', 'application/json')
        .send('{"message": "hi", "__proto__": {"admin": true}, "constructor": {"prototype": {"admin": true}}}');
      // As on POST /send: the key is dropped or refused, never merged into a prototype.
      if (response.status !== 200) expectRefused(response, '__proto__', [400]);
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
      expect(response.body.admin).toBeUndefined();
    });

    it('none of them changed the message', async () => {
      const row = await storedMessage(testApp, target.id);
      expect(row).toMatchObject({ body: 'the original text', edited_at: null, deleted_at: null });
    });

    it('the edges that are allowed are stored verbatim: 4000 characters, surrounding white space, markup', async () => {
      for (const text of ['y'.repeat(4000), '  padded\n', "<b>x</b> '); DROP TABLE messages; --"]) {
        const response = await edit(alice, target.id).send({ message: text }).expect(200);
        expect(response.body.message).toBe(text);
        expect((await storedMessage(testApp, target.id)).body).toBe(text);
      }
    });
  });

  describe('reply_to_id', () => {
    let parent: MessageBody;

    beforeAll(async () => {
      parent = await sendMessage(testApp, bob, alice, 'reply to me');
    });

    const sendReply = (from: TestUser, to: TestUser, replyTo: string) => {
      cases++;
      return testApp
        .api()
        .post('/send')
        .set(bearer(from))
        .set('Content-Type', 'application/json')
        .send(`{"user_id": ${to.id}, "message": "a reply", "reply_to_id": ${replyTo}}`);
    };
    const sentBy = async (user: TestUser) =>
      (await testApp.query<{ n: number }>('SELECT count(*)::int AS n FROM messages WHERE sender_id = $1', [user.id]))[0]
        .n;

    it.each([
      '0',
      '-1',
      '-0',
      '1.5',
      '"1"',
      '"abc"',
      'true',
      '[1]',
      '{"id": 1}',
      '9007199254740992',
      '9223372036854775808',
      '1e400',
      '"NaN"',
    ])('%s: 400 naming reply_to_id', async (replyTo) => {
      const before = await sentBy(alice);
      const response = await sendReply(alice, bob, replyTo);
      expectRefused(response, replyTo, [400]);
      expect(response.body.details).toEqual([{ field: 'reply_to_id', errors: [expect.any(String)] }]);
      expect(await sentBy(alice)).toBe(before);
    });

    it('a message of another of your conversations is 400; one you cannot see is 404, as an unknown id', async () => {
      const carol = await signupUser(testApp);
      const ours = await sendMessage(testApp, carol, alice, 'alice and carol');
      const theirs = await sendMessage(testApp, carol, bob, 'bob and carol');
      const before = await sentBy(alice);

      const otherConversation = await sendReply(alice, bob, String(ours.id));
      expectRefused(otherConversation, 'another conversation', [400]);
      expect(otherConversation.body.message).toBe('reply_to_id must be a message of your conversation with user_id');

      const unseen = await sendReply(alice, bob, String(theirs.id));
      const unknown = await sendReply(alice, bob, '9007199254740991');
      expectRefused(unseen, 'not yours to see', [404]);
      expectRefused(unknown, 'unknown', [404]);
      const withoutId = (body: { message: string; request_id?: string }) => ({
        ...body,
        message: body.message.replace(/\d+$/, '<id>'),
        request_id: undefined,
      });
      expect(withoutId(unseen.body)).toEqual(withoutId(unknown.body));
      expect(await sentBy(alice)).toBe(before);
    });

    it('null is no reply, as for any optional field: 201 with reply_to null', async () => {
      const response = await sendReply(alice, bob, 'null');
      expect(response.status).toBe(201);
      expect(response.body.reply_to).toBeNull();
    });

    it('a message the peer sent in the conversation is a valid parent', async () => {
      const response = await sendReply(alice, bob, String(parent.id)).expect(201);
      expect(response.body.reply_to).toEqual({
        id: parent.id,
        sender_id: bob.id,
        preview: 'reply to me',
        deleted: false,
      });
    });
  });

  describe('a reaction flood', () => {
    // U+1F600 and on: emoticons, each one RGI emoji.
    const emojis = Array.from({ length: 80 }, (_, i) => String.fromCodePoint(0x1f600 + i));
    const mineOn = async (messageId: number, user: TestUser) =>
      ((await storedMessage(testApp, messageId)).reactions ?? []).filter((r) => r.user_ids.includes(user.id)).length;
    const rowOf = async (messageId: number) =>
      (
        await testApp.query<{ reactions: string; changed_xid: string; size: number }>(
          'SELECT reactions::text, changed_xid::text, pg_column_size(reactions) AS size FROM messages WHERE id = $1',
          [messageId],
        )
      )[0];

    it('cannot grow a row without bound: the 21st different emoji of one user is 409', async () => {
      const message = await sendMessage(testApp, alice, bob, 'flood me');
      for (const emoji of emojis.slice(0, 20)) await react(bob, message.id, enc(emoji)).expect(204);
      expect(await mineOn(message.id, bob)).toBe(20);

      const refused = await react(bob, message.id, enc(emojis[20]));
      expectRefused(refused, '21st emoji', [409]);
      expect(refused.body.message).toBe('You can put at most 20 different reactions on one message');

      // The cap is per user: the other user of the conversation has 20 of their own.
      for (const emoji of emojis.slice(20, 40)) await react(alice, message.id, enc(emoji)).expect(204);
      expectRefused(await react(alice, message.id, enc(emojis[40])), 'her 21st emoji', [409]);

      const full = await rowOf(message.id);
      for (const emoji of emojis.slice(40)) {
        expectRefused(await react(bob, message.id, enc(emoji)), `flood ${emoji}`, [409]);
        expectRefused(await react(alice, message.id, enc(emoji)), `flood ${emoji}`, [409]);
      }
      // A reaction both users made counts once in the row; the row holds at most 2 × 20 entries.
      await react(bob, message.id, enc(emojis[20])).expect(409);
      await react(alice, message.id, enc(emojis[0])).expect(409);
      expect(await rowOf(message.id)).toEqual(full);
      const [{ entries }] = await testApp.query(
        'SELECT jsonb_array_length(reactions) AS entries FROM messages WHERE id = $1',
        [message.id],
      );
      expect(entries).toBe(40);
      expect([await mineOn(message.id, alice), await mineOn(message.id, bob)]).toEqual([20, 20]);
    });

    it('the same emoji again is a 204 that changes nothing; taking one back makes room for another', async () => {
      const message = await sendMessage(testApp, bob, alice, 'react twice');
      for (const emoji of emojis.slice(0, 5)) await react(alice, message.id, enc(emoji)).expect(204);
      // Below the cap and at it.
      for (const count of [5, 20]) {
        const before = await rowOf(message.id);
        for (let i = 0; i < 10; i++) await react(alice, message.id, enc(emojis[i % 2])).expect(204);
        expect([count, await rowOf(message.id)]).toEqual([count, before]);
        for (const emoji of emojis.slice(count, 20)) await react(alice, message.id, enc(emoji)).expect(204);
      }

      await react(alice, message.id, enc(emojis[0]), 'delete').expect(204);
      await react(alice, message.id, enc(emojis[0]), 'delete').expect(204);
      await react(alice, message.id, enc(emojis[50])).expect(204);
      expect(await mineOn(message.id, alice)).toBe(20);
      expectRefused(await react(alice, message.id, enc(emojis[0])), 'back over the cap', [409]);
    });
  });
});
