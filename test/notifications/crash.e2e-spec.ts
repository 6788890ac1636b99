/*
 * Nothing lost, nothing doubled (issue 21): an instance is SIGKILLed after its sends committed but before any of
 * their events became jobs, and two other instances then share the queue. Every event must arrive exactly once:
 * one webhook per event id (the receiver verifies each signature) and one push per recipient.
 *
 * To make "after the commit, before anything was published" certain rather than lucky, the test holds a lock on
 * pg-boss's job table while the first instance serves the sends: the sends (which only write the outbox, in
 * their own statement) commit and answer 201, while the instance's drain waits on that lock inside its
 * transaction. The kill then ends that transaction uncommitted.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import webPush from 'web-push';
import { findFreePort } from '../../src/database/embedded-postgres.js';
import { type ServiceProcess, startServiceProcess, waitFor } from '../faults/service-process.js';
import { post, type ProcessUser, signup } from '../support/process-api.js';
import { PushService } from '../support/push-service.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const RECIPIENTS = 8;

describe('offline reach across a crash and several instances', () => {
  let database: TestDatabase;
  let pushService: PushService;
  let receiver: WebhookReceiver;
  let env: Record<string, string>;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const vapid = webPush.generateVAPIDKeys();
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    pushService = await PushService.start({ vapidPublicKey: vapid.publicKey });
    receiver = await WebhookReceiver.start(secret);
    env = {
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: 'mailto:ops@example.com',
      PUSH_ALLOW_INSECURE_ENDPOINTS: 'true',
      PUSH_DELAY_MS: '0',
      WEBHOOK_URLS: receiver.url,
      WEBHOOK_SECRET: secret,
      WEBHOOK_RETRY_DELAY_SECONDS: '1',
    };
  });

  afterAll(async () => {
    for (const service of services) await service.kill().catch(() => undefined);
    await pushService.close();
    await receiver.close();
    await database.drop();
  });

  it('delivers every event committed before a SIGKILL exactly once, from the instances that remain', async () => {
    const first = await startServiceProcess(database.url, await findFreePort(), env);
    services.push(first);
    await waitFor(async () => (await fetch(`${first.url}/health/ready`)).ok, 30_000);
    const sender = await signup(first.url);
    const recipients: { user: ProcessUser; endpoint: string }[] = [];
    for (let i = 0; i < RECIPIENTS; i++) {
      const user = await signup(first.url);
      const subscription = pushService.subscribe();
      const response = await post(first.url, '/push/subscriptions', subscription.json, user.token);
      expect(response.status).toBe(201);
      recipients.push({ user, endpoint: subscription.json.endpoint });
    }
    // The signups' user.created events are delivered first, so what follows only concerns the messages.
    await receiver.waitFor(
      (r) => r.deliveries.filter((d) => d.type === 'user.created').length === RECIPIENTS + 1,
      20_000,
    );

    const lock = new pg.Client({ connectionString: database.url });
    await lock.connect();
    const sent: number[] = [];
    try {
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE pgboss.job IN EXCLUSIVE MODE');
      for (const { user } of recipients) {
        const response = await post(
          first.url,
          '/send',
          { user_id: user.id, message: `before the crash to ${user.id}` },
          sender.token,
        );
        expect(response.status).toBe(201);
        sent.push(((await response.json()) as { id: number }).id);
      }
      // Committed and answered, and not one of them has become a job or a delivery.
      const [{ count }] = (
        await lock.query<{ count: string }>("SELECT count(*) FROM outbox WHERE type = 'message.created'")
      ).rows;
      expect(Number(count)).toBe(RECIPIENTS);
      await first.kill();
    } finally {
      await lock.query('ROLLBACK').catch(() => undefined);
      await lock.end();
    }
    expect(receiver.deliveries.filter((d) => d.type === 'message.created')).toEqual([]);
    expect(pushService.received).toEqual([]);

    // Two instances on the same database and queue; one serves metrics.
    const metricsPort = await findFreePort();
    services.push(
      await startServiceProcess(database.url, await findFreePort(), { ...env, METRICS_PORT: String(metricsPort) }),
    );
    services.push(await startServiceProcess(database.url, await findFreePort(), env));
    await receiver.waitFor(
      (r) => r.deliveries.filter((d) => d.type === 'message.created').length >= RECIPIENTS,
      30_000,
    );
    await pushService.waitFor(() => pushService.received.length >= RECIPIENTS, 30_000);
    // Time for a duplicate to show up, if there were one.
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    const created = receiver.deliveries.filter((d) => d.type === 'message.created');
    expect(created.map((d) => (d.data as { id: number }).id).sort((a, b) => a - b)).toEqual(sent);
    expect(new Set(created.map((d) => d.id)).size).toBe(RECIPIENTS);
    expect(receiver.rejected).toEqual([]);
    for (const [i, { endpoint }] of recipients.entries()) {
      expect(pushService.pushesTo(endpoint).map((push) => (push.payload as { message_id: number }).message_id)).toEqual(
        [sent[i]],
      );
    }
    expect(pushService.problems).toEqual([]);

    // What an operator watches: the queue by state, its oldest waiting job, and deliveries by outcome.
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/^parley_queue_jobs\{queue="webhook",state="queued"\} \d+$/m);
    expect(metrics).toMatch(/^parley_queue_oldest_pending_seconds\{queue="push-delivery"\} [\d.]+$/m);
    // Which instance delivered what is the queue's choice: the counter is declared on each, counted where it ran.
    expect(metrics).toMatch(/^# TYPE parley_notification_deliveries_total counter$/m);
  });
});
