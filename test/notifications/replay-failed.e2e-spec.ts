/*
 * What an operator does with webhook events that failed every retry (docs/operations.md): they wait in the dead
 * letter queue until `npm run cli -- webhooks replay-failed` moves them back, and the receiver then gets each one
 * under the webhook-id it was first sent with, so it can tell a replay from a new event.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { sendMessage, signupUser } from '../support/factories.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const CLI = 'dist/src/cli.js';
const WAIT_MS = 20_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('npm run cli -- webhooks replay-failed', () => {
  let testApp: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    receiver = await WebhookReceiver.start(secret);
    testApp = await createTestApp({ env: { WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: secret } });
    // The retries an event gets before it counts as failed (WEBHOOK_RETRY_HOURS, an hour at least) cut to none,
    // in the queue's own settings, so the first failed attempt sends it to the dead letter queue.
    await testApp.query("UPDATE pgboss.queue SET retry_limit = 0 WHERE name = 'webhook'");
  });

  afterAll(async () => {
    await testApp.close();
    await receiver.close();
  });

  const failedJobs = async () =>
    (
      await testApp.query<{ count: string }>(
        "SELECT count(*) FROM pgboss.job WHERE name = 'webhook-failed' AND state = 'created'",
      )
    )[0].count;

  it('moves events that failed every retry back to the receiver, under their first webhook-id', async () => {
    const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
    await receiver.waitFor(
      (r) => r.deliveries.some((d) => (d.data as { user_id?: number }).user_id === bob.id),
      WAIT_MS,
    );
    receiver.fail({ answer: { status: 503 }, times: 1, type: 'message.created' });
    const message = await sendMessage(testApp, alice, bob, 'lost for a while');

    const deadline = Date.now() + WAIT_MS;
    while ((await failedJobs()) !== '1') {
      if (Date.now() > deadline) throw new Error('the event never reached the dead letter queue');
      await sleep(200);
    }
    const [failedAttempt] = receiver.requests.filter((request) => request.type === 'message.created');
    expect(failedAttempt.answer).toBe(503);

    const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'webhooks', 'replay-failed'], {
      env: { ...process.env, DATABASE_URL: testApp.database.url },
    });
    expect(stdout).toBe('1 failed webhook event(s) moved back to the webhook queue\n');

    await receiver.waitFor((r) => r.deliveries.some((d) => d.type === 'message.created'), WAIT_MS);
    const delivered = receiver.deliveries.filter((d) => d.type === 'message.created');
    expect(delivered).toEqual([expect.objectContaining({ id: failedAttempt.id, verified: true, answer: 200 })]);
    expect(delivered[0].data).toMatchObject({ id: message.id, message: 'lost for a while' });
    expect(await failedJobs()).toBe('0');
    expect(receiver.rejected).toEqual([]);
  });
});
