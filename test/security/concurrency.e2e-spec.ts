/* Races: counts stay exact when many requests hit one chat at once. */
import { countInconsistentChats } from '../support/chat-consistency.js';
import { bearer, type MessageBody, sendMessage, signupUser } from '../support/factories.js';
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
