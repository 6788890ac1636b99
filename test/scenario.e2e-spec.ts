/* The original service's acceptance story, end to end over HTTP. */
import { bearer, type MessageBody } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('the seed scenario', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('user_1 messages user_2, who sees it unread, opens it and marks it read', async () => {
    const api = testApp.api;
    const password = 'password-of-user';

    const user1Signup = await api()
      .post('/signup')
      .send({ username: 'user_1', email: 'user_1@example.com', password_1: password, password_2: password })
      .expect(201);
    await api().post('/logout').set(bearer(user1Signup.body)).expect(204);

    const user2Signup = await api()
      .post('/signup')
      .send({ username: 'user_2', email: 'user_2@example.com', password_1: password, password_2: password })
      .expect(201);
    const user2 = { id: user2Signup.body.user.id as number, token: user2Signup.body.token as string };

    const login = await api().post('/login').send({ username: 'user_1', password }).expect(200);
    const user1 = { id: login.body.user.id as number, token: login.body.token as string };

    const active = await api().get('/users').query({ type: 'active' }).set(bearer(user1)).expect(200);
    const found = active.body.users.find((u: { username: string }) => u.username === 'user_2');
    expect(found).toMatchObject({ id: user2.id, active: true });

    const sent = await api()
      .post('/send')
      .set(bearer(user1))
      .send({ user_id: found.id, message: 'Hello, user_2' })
      .expect(201);
    expect(sent.body).toMatchObject({
      sender_id: user1.id,
      recipient_id: user2.id,
      message: 'Hello, user_2',
      read: false,
    });

    const chats = await api().get('/chat').set(bearer(user2)).expect(200);
    expect(chats.body.chats).toEqual([
      expect.objectContaining({ user_id: user1.id, username: 'user_1', unread_count: 1, last_message: sent.body }),
    ]);

    const history = await api().get(`/chat/${user1.id}`).set(bearer(user2)).expect(200);
    expect(history.body.messages.map((m: MessageBody) => m.message)).toEqual(['Hello, user_2']);

    await api().post(`/read/${user1.id}`).set(bearer(user2)).expect(200, { updated: 1 });

    const after = await api().get('/chat').set(bearer(user2)).expect(200);
    expect(after.body.chats[0].unread_count).toBe(0);
    for (const [viewer, peer] of [
      [user2, user1],
      [user1, user2],
    ]) {
      const seen = await api().get(`/chat/${peer.id}`).set(bearer(viewer)).expect(200);
      expect(seen.body.messages[0]).toMatchObject({ id: sent.body.id, read: true });
      expect(seen.body.messages[0].read_at).toEqual(expect.any(String));
    }
  });
});
