import { bearer, sendMessage, signupUser, type TestUser } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('messages: POST /send and POST /send_to_all', () => {
  let testApp: TestApp;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp();
    alice = await signupUser(testApp);
    bob = await signupUser(testApp);
  });

  afterAll(async () => {
    await testApp.close();
  });

  describe('POST /send', () => {
    it('answers 201 with the stored message', async () => {
      const response = await testApp
        .api()
        .post('/send')
        .set(bearer(alice))
        .send({ user_id: bob.id, message: 'Hi Bob 👋 <b>bold</b>' })
        .expect(201);

      expect(response.body).toEqual({
        id: expect.any(Number),
        sender_id: alice.id,
        recipient_id: bob.id,
        message: 'Hi Bob 👋 <b>bold</b>',
        created: expect.any(String),
        read: false,
        read_at: null,
        edited_at: null,
        deleted_at: null,
        reactions: [],
        reply_to: null,
        attachments: [],
      });
      const [row] = await testApp.query('SELECT body FROM messages WHERE id = $1', [response.body.id]);
      expect(row.body).toBe('Hi Bob 👋 <b>bold</b>');
    });

    it('accepts exactly 4000 characters', async () => {
      const message = await sendMessage(testApp, alice, bob, 'x'.repeat(4000));
      expect(message.message).toHaveLength(4000);
    });

    it.each([
      ['message', 'empty', { message: '' }],
      ['message', 'white space only', { message: ' \n\t ' }],
      ['message', '4001 characters', { message: 'x'.repeat(4001) }],
      ['message', 'a NUL character', { message: 'nul\u0000byte' }],
      ['message', 'a number', { message: 42 }],
      ['user_id', 'a string', { user_id: '2' }],
      ['user_id', 'a fraction', { user_id: 1.5 }],
      ['user_id', 'negative', { user_id: -1 }],
      ['user_id', 'past 2^31', { user_id: 2 ** 31 }],
    ])('answers 400 naming %s when it is %s', async (field, _label, override) => {
      const response = await testApp
        .api()
        .post('/send')
        .set(bearer(alice))
        .send({ user_id: bob.id, message: 'hello', ...override })
        .expect(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      // One field named; an empty message breaks two rules (length and text) and is told both.
      expect(response.body.details).toEqual([{ field, errors: expect.arrayContaining([expect.any(String)]) }]);
    });

    it('answers 400 for a message to yourself', async () => {
      const response = await testApp
        .api()
        .post('/send')
        .set(bearer(alice))
        .send({ user_id: alice.id, message: 'note to self' })
        .expect(400);
      expect(response.body.message).toBe('You cannot send a message to yourself');
    });

    it('answers 404 for an unknown recipient and stores nothing', async () => {
      const [{ count: before }] = await testApp.query('SELECT count(*)::int AS count FROM messages');
      const response = await testApp
        .api()
        .post('/send')
        .set(bearer(alice))
        .send({ user_id: 999999, message: 'anyone there?' })
        .expect(404);
      expect(response.body).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: 'No user has id 999999',
        request_id: expect.any(String),
      });
      const [{ count: after }] = await testApp.query('SELECT count(*)::int AS count FROM messages');
      expect(after).toBe(before);
    });

    it('answers 401 without a token', async () => {
      await testApp.api().post('/send').send({ user_id: bob.id, message: 'hi' }).expect(401);
    });
  });

  describe('POST /send_to_all', () => {
    it('sends one message to every other user, each of whom sees it unread', async () => {
      const carol = await signupUser(testApp);
      const [{ others }] = await testApp.query('SELECT count(*)::int AS others FROM users WHERE id <> $1', [carol.id]);

      const response = await testApp
        .api()
        .post('/send_to_all')
        .set(bearer(carol))
        .send({ message: 'Hello, everyone' })
        .expect(201);
      expect(response.body).toEqual({ sent: others });

      for (const recipient of [alice, bob]) {
        const chats = await testApp.api().get('/chat').set(bearer(recipient)).expect(200);
        expect(chats.body.chats[0]).toMatchObject({
          user_id: carol.id,
          unread_count: 1,
          last_message: { message: 'Hello, everyone', sender_id: carol.id, recipient_id: recipient.id },
        });
      }
      const carolChats = await testApp.api().get('/chat').set(bearer(carol)).query({ limit: 200 }).expect(200);
      expect(carolChats.body.chats).toHaveLength(others);
      expect(carolChats.body.chats.every((c: { unread_count: number }) => c.unread_count === 0)).toBe(true);
    });

    it.each([
      ['missing', {}],
      ['white space only', { message: '   ' }],
      ['4001 characters', { message: 'x'.repeat(4001) }],
    ])('answers 400 when the message is %s', async (_label, body) => {
      const response = await testApp.api().post('/send_to_all').set(bearer(alice)).send(body).expect(400);
      expect(response.body.details[0].field).toBe('message');
    });

    it('answers 401 without a token', async () => {
      await testApp.api().post('/send_to_all').send({ message: 'hi' }).expect(401);
    });
  });
});
