/*
 * Offline reach (issue 21) end to end, against real peers of both protocols on loopback: a Web Push service
 * that checks the VAPID signature and decrypts every push with the private key the test's "browser" made
 * (test/support/push-service.ts), and a webhook receiver that verifies every signature with the
 * `standardwebhooks` package (test/support/webhook-receiver.ts). Who is pushed and who is not, what they
 * receive, retries and the dead subscription, and every webhook event.
 */
import { randomBytes } from 'node:crypto';
import webPush from 'web-push';
import { connectSocket, listen, type TestSocket } from '../realtime/sockets.js';
import { bearer, sendMessage, signupUser, type TestUser } from '../support/factories.js';
import { PushService, type ReceivedPush } from '../support/push-service.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const PUSH_DELAY_MS = 600;
const WAIT_MS = 15_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('offline reach: Web Push and webhooks', () => {
  let testApp: TestApp;
  let url: string;
  let pushService: PushService;
  let receiver: WebhookReceiver;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    const vapid = webPush.generateVAPIDKeys();
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    pushService = await PushService.start({ vapidPublicKey: vapid.publicKey });
    receiver = await WebhookReceiver.start(secret);
    testApp = await createTestApp({
      env: {
        VAPID_PUBLIC_KEY: vapid.publicKey,
        VAPID_PRIVATE_KEY: vapid.privateKey,
        VAPID_SUBJECT: 'mailto:ops@example.com',
        PUSH_ALLOW_INSECURE_ENDPOINTS: 'true',
        PUSH_DELAY_MS: String(PUSH_DELAY_MS),
        PUSH_RETRY_DELAY_SECONDS: '1',
        WEBHOOK_URLS: receiver.url,
        WEBHOOK_SECRET: secret,
        WEBHOOK_RETRY_DELAY_SECONDS: '1',
        PRESENCE_GRACE_MS: '100',
      },
    });
    url = await listen(testApp);
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  afterAll(async () => {
    await testApp.close();
    await pushService.close();
    await receiver.close();
  });

  /** Registers a new browser subscription of `user` at the push service; returns its endpoint. */
  const subscribe = async (user: TestUser): Promise<string> => {
    const subscription = pushService.subscribe();
    await testApp.api().post('/push/subscriptions').set(bearer(user)).send(subscription.json).expect(201);
    return subscription.json.endpoint;
  };

  const webhookFor = (type: string, match: (data: Record<string, unknown>) => boolean) =>
    receiver.waitFor(
      (r) => r.deliveries.some((d) => d.type === type && match(d.data as Record<string, unknown>)),
      WAIT_MS,
    );

  const payloadOf = (push: ReceivedPush) => push.payload as Record<string, unknown>;

  /** Waits for the webhook of message `id` (the event went through the queue), then past the push delay. */
  const settle = async (id: number) => {
    await webhookFor('message.created', (data) => data.id === id);
    await sleep(PUSH_DELAY_MS + 1_000);
  };

  it('pushes a message still unread after the delay to an offline recipient, encrypted, signed, with its fields', async () => {
    const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
    const endpoint = await subscribe(bob);
    const sent = Date.now();
    const message = await sendMessage(testApp, alice, bob, 'Hello, user_2');

    const push = await pushService.waitFor((p) => p.path === new URL(endpoint).pathname, WAIT_MS);
    expect(Date.now() - sent).toBeGreaterThanOrEqual(PUSH_DELAY_MS);
    expect(payloadOf(push)).toEqual({
      type: 'message.new',
      message_id: message.id,
      sender_id: alice.id,
      sender_username: alice.username,
      preview: 'Hello, user_2',
    });
    expect(push).toMatchObject({ urgency: 'high', ttl: '86400', status: 201 });
    expect(push.topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    expect(pushService.problems).toEqual([]);
  });

  it('does not push to a recipient connected anywhere, and does once they are gone', async () => {
    const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
    const endpoint = await subscribe(bob);
    const socket = await connectSocket(url, bob.token);
    sockets.push(socket);

    const online = await sendMessage(testApp, alice, bob, 'you are here');
    await settle(online.id);
    expect(pushService.pushesTo(endpoint)).toEqual([]);

    socket.close();
    await sleep(300);
    const offline = await sendMessage(testApp, alice, bob, 'you left');
    const push = await pushService.waitFor((p) => p.path === new URL(endpoint).pathname, WAIT_MS);
    expect(payloadOf(push).message_id).toBe(offline.id);
  });

  it('pushes to a recipient whose every socket said it is away (a hidden tab), and not once one is back', async () => {
    const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
    const endpoint = await subscribe(bob);
    const [desktop, phone] = [await connectSocket(url, bob.token), await connectSocket(url, bob.token)];
    sockets.push(desktop, phone);

    expect(await desktop.emitWithAck('presence.away', { away: true })).toEqual({ ok: true });
    const oneActive = await sendMessage(testApp, alice, bob, 'the phone is in use');
    await settle(oneActive.id);
    expect(pushService.pushesTo(endpoint)).toEqual([]);

    expect(await phone.emitWithAck('presence.away', { away: true })).toEqual({ ok: true });
    const allAway = await sendMessage(testApp, alice, bob, 'nobody is looking');
    const push = await pushService.waitFor((p) => p.path === new URL(endpoint).pathname, WAIT_MS);
    expect(payloadOf(push).message_id).toBe(allAway.id);

    expect(await desktop.emitWithAck('presence.away', { away: false })).toEqual({ ok: true });
    const back = await sendMessage(testApp, alice, bob, 'the tab is shown again');
    await settle(back.id);
    expect(pushService.pushesTo(endpoint)).toHaveLength(1);

    expect(await desktop.emitWithAck('presence.away', { away: 'yes' } as never)).toMatchObject({ statusCode: 400 });
  });

  it('does not push a muted chat, a message read in time, or a sender blocked before the push', async () => {
    const [alice, bob, carol, dave] = [
      await signupUser(testApp),
      await signupUser(testApp),
      await signupUser(testApp),
      await signupUser(testApp),
    ];
    const endpoint = await subscribe(bob);

    await sendMessage(testApp, alice, bob, 'first');
    await pushService.waitFor((p) => p.path === new URL(endpoint).pathname, WAIT_MS);
    await testApp.api().post(`/read/${alice.id}`).set(bearer(bob)).expect(200);
    await testApp.api().put(`/chats/${alice.id}/mute`).set(bearer(bob)).expect(204);
    const muted = await sendMessage(testApp, alice, bob, 'muted');

    const readInTime = await sendMessage(testApp, carol, bob, 'read me now');
    await testApp.api().post(`/read/${carol.id}`).set(bearer(bob)).expect(200);

    const fromDave = await sendMessage(testApp, dave, bob, 'then blocked');
    await testApp.api().put(`/blocks/${dave.id}`).set(bearer(bob)).expect(204);

    for (const { id } of [muted, readInTime, fromDave]) await settle(id);
    expect(pushService.pushesTo(endpoint).map((push) => payloadOf(push).message_id)).toEqual([expect.any(Number)]);

    // The same chat unmuted pushes again: the silence above was the mute's.
    await testApp.api().delete(`/chats/${alice.id}/mute`).set(bearer(bob)).expect(204);
    const unmuted = await sendMessage(testApp, alice, bob, 'unmuted');
    await pushService.waitFor(
      (p) => p.path === new URL(endpoint).pathname && payloadOf(p).message_id === unmuted.id,
      WAIT_MS,
    );
  });

  it('collapses a burst from one sender into one notification for the latest, under one Topic per conversation', async () => {
    const [alice, bob, carol] = [await signupUser(testApp), await signupUser(testApp), await signupUser(testApp)];
    const endpoint = await subscribe(bob);
    const burst = [];
    for (const text of ['one', 'two', 'three']) burst.push(await sendMessage(testApp, alice, bob, text));
    const fromCarol = await sendMessage(testApp, carol, bob, 'another conversation');
    for (const { id } of [...burst, fromCarol]) await settle(id);

    const pushes = pushService.pushesTo(endpoint);
    expect(pushes.map((push) => payloadOf(push).message_id).sort()).toEqual([burst[2].id, fromCarol.id].sort());
    const [fromAlicePush, fromCarolPush] = [burst[2].id, fromCarol.id].map((id) =>
      pushes.find((p) => payloadOf(p).message_id === id)!,
    );
    expect(fromAlicePush.topic).not.toBe(fromCarolPush.topic);
  });

  it('deletes a subscription the push service says is gone (410), and retries after 429 (Retry-After) and 500', async () => {
    const [alice, bob, carol] = [await signupUser(testApp), await signupUser(testApp), await signupUser(testApp)];
    const gone = await subscribe(bob);
    pushService.respondWith(gone, { status: 410 });
    await sendMessage(testApp, alice, bob, 'to a dead browser');
    await pushService.waitFor((p) => p.path === new URL(gone).pathname, WAIT_MS);
    await waitUntil(
      async () => (await testApp.query('SELECT 1 FROM push_subscriptions WHERE endpoint = $1', [gone])).length === 0,
    );

    const flaky = await subscribe(carol);
    pushService.respondWith(flaky, { status: 429, headers: { 'retry-after': '1' } }, { status: 500 });
    const message = await sendMessage(testApp, alice, carol, 'eventually');
    await pushService.waitFor((p) => p.path === new URL(flaky).pathname && p.status === 201, WAIT_MS);
    expect(pushService.pushesTo(flaky).map((push) => push.status)).toEqual([429, 500, 201]);
    expect(pushService.pushesTo(flaky).every((push) => payloadOf(push).message_id === message.id)).toBe(true);
  });

  it('retries a first push that failed (500) for that browser alone, and never repeats the push to another', async () => {
    const [alice, dave] = [await signupUser(testApp), await signupUser(testApp)];
    const failing = await subscribe(dave);
    const healthy = await subscribe(dave);
    pushService.respondWith(failing, { status: 500 });
    const message = await sendMessage(testApp, alice, dave, 'twice for one, once for the other');
    await pushService.waitFor((p) => p.path === new URL(failing).pathname && p.status === 201, WAIT_MS);
    // Every push job done: a second push to the healthy browser would have been sent by now.
    await waitUntil(
      async () =>
        (
          await testApp.query(
            "SELECT 1 FROM pgboss.job WHERE name IN ('push', 'push-delivery') AND state IN ('created', 'retry', 'active')",
          )
        ).length === 0,
    );
    expect(pushService.pushesTo(failing).map((push) => push.status)).toEqual([500, 201]);
    expect(pushService.pushesTo(healthy).map((push) => [push.status, payloadOf(push).message_id])).toEqual([
      [201, message.id],
    ]);
  });

  it('signs every event, keeps its webhook-id across retries, and delivers it once the receiver is back', async () => {
    receiver.fail({ answer: { status: 500 }, times: 2, type: 'message.created' });
    const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
    const message = await sendMessage(testApp, alice, bob, 'through a flaky receiver');
    await webhookFor('message.created', (data) => data.id === message.id);

    const attempts = receiver.requests.filter(
      (request) => request.type === 'message.created' && (request.data as { id?: number }).id === message.id,
    );
    expect(attempts.map((attempt) => attempt.answer)).toEqual([500, 500, 200]);
    expect(new Set(attempts.map((attempt) => attempt.id)).size).toBe(1);
    expect(attempts[0].id).toMatch(/^msg_\d+$/);
    expect(attempts.every((attempt) => attempt.verified)).toBe(true);
    expect(receiver.rejected).toEqual([]);
    const [delivered] = attempts.slice(-1);
    expect(delivered.data).toMatchObject({
      id: message.id,
      sender_id: alice.id,
      recipient_id: bob.id,
      message: 'through a flaky receiver',
    });
  });

  it('reports every kind of change: signup, edit, reactions, delete, read, report and account deletion', async () => {
    const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
    await webhookFor('user.created', (data) => data.user_id === alice.id && data.username === alice.username);

    const message = await sendMessage(testApp, alice, bob, 'to be edited');
    await testApp.api().patch(`/messages/${message.id}`).set(bearer(alice)).send({ message: 'edited' }).expect(200);
    await webhookFor('message.updated', (data) => data.id === message.id && data.message === 'edited');

    // A reaction added and taken off: two more message.updated events (each its own webhook-id), read at delivery.
    const reaction = `/messages/${message.id}/reactions/${encodeURIComponent('👍')}`;
    await testApp.api().put(reaction).set(bearer(bob)).expect(204);
    await webhookFor('message.updated', (data) =>
      JSON.stringify(data.reactions).includes(JSON.stringify({ emoji: '👍', user_ids: [bob.id] })),
    );
    await testApp.api().delete(reaction).set(bearer(bob)).expect(204);
    const updatesOf = (id: number) =>
      new Set(
        receiver.deliveries
          .filter((d) => d.type === 'message.updated' && (d.data as { id: number }).id === id)
          .map((d) => d.id),
      );
    await receiver.waitFor(() => updatesOf(message.id).size === 3, WAIT_MS);

    await testApp.api().post(`/read/${alice.id}`).set(bearer(bob)).expect(200);
    await webhookFor(
      'message.read',
      (data) => data.reader_id === bob.id && data.sender_id === alice.id && data.up_to_id === message.id,
    );

    await testApp
      .api()
      .post('/reports')
      .set(bearer(bob))
      .send({ user_id: alice.id, message_id: message.id, reason: 'spam' })
      .expect(201);
    await webhookFor(
      'report.created',
      (data) => data.reporter_id === bob.id && data.user_id === alice.id && data.reason === 'spam',
    );

    await testApp.api().delete(`/messages/${message.id}`).set(bearer(alice)).expect(204);
    await webhookFor(
      'message.deleted',
      (data) => data.id === message.id && data.deleted_at !== null && data.message === '',
    );

    // Bob's reaction on a message he received goes with his account: that message is updated too.
    const kept = await sendMessage(testApp, alice, bob, 'outlives the account');
    await testApp
      .api()
      .put(`/messages/${kept.id}/reactions/${encodeURIComponent('🎉')}`)
      .set(bearer(bob))
      .expect(204);
    await receiver.waitFor(() => updatesOf(kept.id).size === 1, WAIT_MS);
    await testApp.api().delete('/current_user').set(bearer(bob)).send({ password: bob.password }).expect(204);
    await webhookFor('user.deleted', (data) => data.user_id === bob.id);
    await receiver.waitFor(() => updatesOf(kept.id).size === 2, WAIT_MS);
  });

  it('reports the queue in /health/ready', async () => {
    const { body } = await testApp.api().get('/health/ready').expect(200);
    expect(body.checks).toMatchObject({ queue: 'running', queue_pending: expect.stringMatching(/^\d+$/) });
  });

  async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('condition not met');
      await sleep(100);
    }
  }
});
