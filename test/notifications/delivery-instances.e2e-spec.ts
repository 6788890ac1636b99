/*
 * NOTIFICATION_WORKERS=false splits the API from delivery (docs/operations.md): such an instance writes every
 * event with its change but delivers none, and an instance with workers on the same database delivers them all.
 */
import { randomBytes } from 'node:crypto';
import { sendMessage, signupUser } from '../support/factories.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

describe('an API instance without notification workers', () => {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  let receiver: WebhookReceiver;
  let api: TestApp;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start(secret);
    api = await createTestApp({
      env: { WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: secret, NOTIFICATION_WORKERS: 'false' },
    });
  });

  afterAll(async () => {
    await api.close();
    await receiver.close();
  });

  it('keeps its events in the outbox until an instance with workers delivers them', async () => {
    const [alice, bob] = [await signupUser(api), await signupUser(api)];
    const message = await sendMessage(api, alice, bob, 'queued by the API, delivered elsewhere');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(receiver.requests).toEqual([]);
    const waiting = await api.query<{ type: string }>('SELECT type FROM outbox ORDER BY id');
    expect(waiting.map((event) => event.type)).toEqual(['user.created', 'user.created', 'message.created']);
    const { body } = await api.api().get('/health/ready').expect(200);
    expect(body.checks.queue).toBeUndefined();

    const worker = await createTestApp({
      database: api.database,
      env: { WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: secret },
    });
    try {
      // Delivered side by side: in any order, each once.
      await receiver.waitFor((r) => r.deliveries.length === 3, 20_000);
      expect(receiver.deliveries.map((d) => d.type).sort()).toEqual([
        'message.created',
        'user.created',
        'user.created',
      ]);
      expect(receiver.deliveries.find((d) => d.type === 'message.created')?.data).toMatchObject({ id: message.id });
      expect(await api.query('SELECT 1 FROM outbox')).toEqual([]);
    } finally {
      // Not worker.close(): that would drop the database the API instance still uses.
      await worker.app.close();
    }
  });
});
