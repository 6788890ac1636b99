/*
 * Jobs survive a restart of the database (issue 21): events waiting for a receiver that is down, and a push
 * waiting for its retry, are in PostgreSQL when it stops; after it starts again the running instance delivers
 * every one of them, each event under the one webhook-id it always had, without being restarted itself. The
 * database is an embedded server of this test's own, which it stops and starts (the machine's is shared).
 */
import { randomBytes } from 'node:crypto';
import webPush from 'web-push';
import { findFreePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/database/embedded-postgres.js';
import { type ServiceProcess, startServiceProcess, waitFor } from '../faults/service-process.js';
import { post, signup } from '../support/process-api.js';
import { PushService } from '../support/push-service.js';
import { startOwnEmbeddedPostgres } from '../support/test-database.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const DATA_DIR = '.data/postgres-notifications-restart';
const MESSAGES = 5;

describe('offline reach across a database restart', () => {
  let database: EmbeddedDatabase;
  let service: ServiceProcess | undefined;
  let pushService: PushService;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    database = await startOwnEmbeddedPostgres(DATA_DIR);
  }, 60_000);

  afterAll(async () => {
    await service?.kill();
    await pushService?.close();
    await receiver?.close();
    await database.stop();
  });

  it('delivers what was queued before the database stopped, once it is back, from the same instance', async () => {
    const vapid = webPush.generateVAPIDKeys();
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    pushService = await PushService.start({ vapidPublicKey: vapid.publicKey });
    receiver = await WebhookReceiver.start(secret);
    service = await startServiceProcess(database.url, await findFreePort(), {
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: 'mailto:ops@example.com',
      PUSH_ALLOW_INSECURE_ENDPOINTS: 'true',
      // The five sends below fall within it: one push, for the latest.
      PUSH_DELAY_MS: '1500',
      // Bob's failed push is retried after the database has stopped: the retry is a job it keeps.
      PUSH_RETRY_DELAY_SECONDS: '5',
      WEBHOOK_URLS: receiver.url,
      WEBHOOK_SECRET: secret,
      WEBHOOK_RETRY_DELAY_SECONDS: '1',
    });
    await waitFor(async () => (await fetch(`${service!.url}/health/ready`)).ok, 30_000);
    const [alice, bob] = [await signup(service.url), await signup(service.url)];
    const browser = pushService.subscribe();
    expect((await post(service.url, '/push/subscriptions', browser.json, bob.token)).status).toBe(201);

    // The receiver is down for messages, and Bob's push service fails his first push: all of it waits in the queue.
    receiver.fail({ answer: { status: 503 }, times: 10_000, type: 'message.created' });
    pushService.respondWith(browser.json.endpoint, { status: 500 });
    const sent: number[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      const response = await post(
        service.url,
        '/send',
        { user_id: bob.id, message: `before the restart ${i}` },
        alice.token,
      );
      expect(response.status).toBe(201);
      sent.push(((await response.json()) as { id: number }).id);
    }
    const attempted = (id: number) =>
      receiver.requests.some((r) => r.type === 'message.created' && (r.data as { id: number }).id === id);
    await receiver.waitFor(() => sent.every(attempted), 20_000);
    await pushService.waitFor(() => pushService.pushesTo(browser.json.endpoint).length >= 1, 20_000);
    const idsBefore = new Map(
      receiver.requests.filter((r) => r.type === 'message.created').map((r) => [(r.data as { id: number }).id, r.id]),
    );

    expect(pushService.pushesTo(browser.json.endpoint).map((push) => push.status)).toEqual([500]);
    expect(pushService.pushesTo(browser.json.endpoint).map((push) => push.status)).toEqual([500]);
    await database.stop();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    database = await startEmbeddedPostgres(DATA_DIR, { port: database.port });
    receiver.recover();

    await receiver.waitFor((r) => r.deliveries.filter((d) => d.type === 'message.created').length >= MESSAGES, 120_000);
    // Time for a duplicate to show up, if there were one.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const delivered = receiver.deliveries.filter((d) => d.type === 'message.created');
    expect(delivered.map((d) => (d.data as { id: number }).id).sort((a, b) => a - b)).toEqual(sent);
    // Each event kept the webhook-id of its attempts before the restart.
    for (const delivery of delivered) expect(delivery.id).toBe(idsBefore.get((delivery.data as { id: number }).id));
    expect(receiver.rejected).toEqual([]);

    // Bob's push: the burst collapsed into the latest message, failed once, and arrives once the database is back.
    // At least once: a push job that was running when the database stopped is run again, so the push may arrive
    // twice; both carry the same message and Topic, and the service worker's tag shows one notification.
    await pushService.waitFor((push) => push.status === 201, 60_000);
    const pushes = pushService.pushesTo(browser.json.endpoint);
    expect(pushes[0].status).toBe(500);
    expect(pushes.slice(1).map((push) => push.status)).toContain(201);
    expect(new Set(pushes.map((push) => (push.payload as { message_id: number }).message_id))).toEqual(
      new Set([sent[MESSAGES - 1]]),
    );
    expect(pushService.problems).toEqual([]);
    // The instance never stopped serving: ready again without a restart.
    expect((await fetch(`${service.url}/health/ready`)).status).toBe(200);
  }, 240_000);
});
