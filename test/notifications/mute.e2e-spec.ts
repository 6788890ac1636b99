/*
 * Muting a chat (issue 21): GET /chat and /sync show it, it ends by itself at `until`, and it changes nothing
 * else about the chat (unread counts, history). Whether a muted chat is pushed is in offline-reach.e2e-spec.ts.
 */
import { bearer, sendMessage, signupUser, type TestUser } from '../support/factories.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

describe('muting a chat', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(() => testApp.close());

  const chatOf = async (owner: TestUser, peer: TestUser) => {
    const response = await testApp.api().get('/chat').set(bearer(owner)).expect(200);
    return (
      response.body.chats as { user_id: number; muted: boolean; muted_until: string | null; unread_count: number }[]
    ).find((chat) => chat.user_id === peer.id);
  };

  it('mutes until unmuted, shows it in GET /chat and /sync, and still counts unread', async () => {
    const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
    await sendMessage(testApp, alice, bob, 'before the mute');
    const { body: synced } = await testApp.api().get('/sync').set(bearer(bob)).expect(200);

    await testApp.api().put(`/chats/${alice.id}/mute`).set(bearer(bob)).expect(204);
    await sendMessage(testApp, alice, bob, 'while muted');

    expect(await chatOf(bob, alice)).toMatchObject({ muted: true, muted_until: null, unread_count: 2 });
    // The other side's chat is not muted: a mute is the owner's alone.
    expect(await chatOf(alice, bob)).toMatchObject({ muted: false, muted_until: null });
    const { body: changes } = await testApp
      .api()
      .get('/sync')
      .query({ since: synced.next_cursor })
      .set(bearer(bob))
      .expect(200);
    expect(changes.chats).toEqual([expect.objectContaining({ user_id: alice.id, muted: true })]);

    await testApp.api().delete(`/chats/${alice.id}/mute`).set(bearer(bob)).expect(204);
    expect(await chatOf(bob, alice)).toMatchObject({ muted: false, muted_until: null, unread_count: 2 });
    // Unmuting what is not muted is fine too.
    await testApp.api().delete(`/chats/${alice.id}/mute`).set(bearer(bob)).expect(204);
  });

  it('ends a mute with `until` by itself', async () => {
    const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
    await sendMessage(testApp, alice, bob);
    const until = new Date(Date.now() + 1_500).toISOString();
    await testApp.api().put(`/chats/${alice.id}/mute`).set(bearer(bob)).send({ until }).expect(204);
    expect(await chatOf(bob, alice)).toMatchObject({ muted: true, muted_until: until });

    await new Promise((resolve) => setTimeout(resolve, 1_700));
    expect(await chatOf(bob, alice)).toMatchObject({ muted: false, muted_until: null });
  });

  it('refuses an `until` in the past or not a date (400), and a chat that does not exist (404)', async () => {
    const [alice, bob, carol] = [await signupUser(testApp), await signupUser(testApp), await signupUser(testApp)];
    await sendMessage(testApp, alice, bob);
    const past = await testApp
      .api()
      .put(`/chats/${alice.id}/mute`)
      .set(bearer(bob))
      .send({ until: '2020-01-01T00:00:00Z' });
    expect(past.status).toBe(400);
    expect(past.body.message).toMatch(/future/);
    const garbage = await testApp.api().put(`/chats/${alice.id}/mute`).set(bearer(bob)).send({ until: 'tomorrow' });
    expect(garbage.status).toBe(400);

    const noChat = await testApp.api().put(`/chats/${carol.id}/mute`).set(bearer(bob));
    expect(noChat.status).toBe(404);
    expect(noChat.body.message).toBe('You have no chat with this user');
    expect((await testApp.api().put('/chats/999999/mute').set(bearer(bob))).status).toBe(404);
  });
});
