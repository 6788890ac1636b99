/*
 * A Standard Webhooks receiver on loopback, for e2e tests. Every POST to /webhooks is verified with the
 * `standardwebhooks` package, as a consumer would: webhook-id, webhook-timestamp (within its 5 minutes) and a
 * webhook-signature over the raw body by the shared secret. A verified body must be the spec's envelope
 * `{ type, timestamp, data }`. What does not verify, or is not that envelope, is described in `rejected`
 * (answered 401, or 400 for the envelope); the tests expect that list to stay empty.
 * `deliveries` is what a real consumer would act on: verified events answered 2xx, once per webhook-id, since
 * the id stays the same across a sender's retries.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface WebhookRequest {
  /** The webhook-id header ('' when missing). */
  id: string;
  type: string;
  data: unknown;
  /** The envelope's timestamp ('' when it has none). */
  timestamp: string;
  /** The status this receiver answered. */
  answer: number;
  /** Whether the signature verified. */
  verified: boolean;
}

interface Waiter {
  check: () => boolean;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const PATH = '/webhooks';

export class WebhookReceiver {
  readonly url: string;
  readonly requests: WebhookRequest[] = [];
  readonly deliveries: WebhookRequest[] = [];
  readonly rejected: string[] = [];
  /** Statuses the next requests (of one event type, if given) get instead of their own answer, set by fail(). */
  private readonly failures: { status: number; type?: string }[] = [];
  private readonly waiters = new Set<Waiter>();

  private constructor(
    private readonly server: Server,
    port: number,
    private readonly webhook: Webhook,
  ) {
    this.url = `http://127.0.0.1:${port}${PATH}`;
  }

  static async start(secret: string): Promise<WebhookReceiver> {
    // Made first, so that a malformed secret fails the test's setup rather than every request.
    const webhook = new Webhook(secret);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const receiver = new WebhookReceiver(server, (server.address() as AddressInfo).port, webhook);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      receiver.handle(request, response).catch((error: unknown) => {
        receiver.rejected.push(`${request.method} ${request.url}: the receiver failed: ${messageOf(error)}`);
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
    });
    return receiver;
  }

  /**
   * The next `times` requests (of event `type` only, if given: other events keep flowing meanwhile) are answered
   * `answer.status`, whatever they are (they are still verified).
   */
  fail(options: { answer: { status: number }; times: number; type?: string }): void {
    for (let i = 0; i < options.times; i++) this.failures.push({ status: options.answer.status, type: options.type });
  }

  /** Answers every request its own way again: the receiver is back. */
  recover(): void {
    this.failures.length = 0;
  }

  /** Resolves once `predicate` holds, checked now and after every request. */
  waitFor(predicate: (receiver: WebhookReceiver) => boolean, timeoutMs: number): Promise<void> {
    const check = () => {
      try {
        return predicate(this);
      } catch {
        return false;
      }
    };
    if (check()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        check,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`WebhookReceiver.waitFor: not met within ${timeoutMs} ms. ${this.summary()}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  async close(): Promise<void> {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('WebhookReceiver closed while a test was waiting on it'));
    }
    this.waiters.clear();
    const closed = new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
    // The sender's keep-alive connections would otherwise hold close() open.
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const path = new URL(request.url ?? '/', this.url).pathname;
    if (request.method !== 'POST' || path !== PATH) {
      this.rejected.push(`${request.method} ${path}: not a webhook (POST ${PATH})`);
      response.writeHead(404).end();
      return;
    }

    const headers = {
      'webhook-id': header(request, 'webhook-id') ?? '',
      'webhook-timestamp': header(request, 'webhook-timestamp') ?? '',
      'webhook-signature': header(request, 'webhook-signature') ?? '',
    };
    const where = `webhook ${JSON.stringify(headers['webhook-id'])}`;
    let verified = false;
    let envelope: unknown;
    let answer = 200;
    try {
      // The raw bytes, as they came: the signature covers them, not a re-serialisation.
      envelope = this.webhook.verify(body, headers);
      verified = true;
    } catch (error) {
      this.rejected.push(`${where}: ${messageOf(error)} (body ${body.toString('utf8').slice(0, 200)})`);
      answer = 401;
      envelope = parseJson(body);
    }

    const fields = envelopeFields(envelope);
    if (verified && typeof fields === 'string') {
      this.rejected.push(`${where}: ${fields}`);
      answer = 400;
    }
    const type = typeof fields === 'string' ? undefined : fields.type;
    const failure = this.failures.findIndex((scripted) => scripted.type === undefined || scripted.type === type);
    if (failure >= 0) answer = this.failures.splice(failure, 1)[0].status;

    const recorded: WebhookRequest = {
      id: headers['webhook-id'],
      ...(typeof fields === 'string' ? { type: '', timestamp: '', data: undefined } : fields),
      answer,
      verified,
    };
    this.requests.push(recorded);
    const processed = verified && typeof fields !== 'string' && answer >= 200 && answer < 300;
    if (processed && !this.deliveries.some((delivery) => delivery.id === recorded.id)) this.deliveries.push(recorded);
    response.writeHead(answer).end();

    for (const waiter of this.waiters) {
      if (!waiter.check()) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.resolve();
    }
  }

  private summary(): string {
    const requests = this.requests.map((r) => `${r.answer} ${r.id} ${r.type}${r.verified ? '' : ' (unverified)'}`);
    const shown = requests.length > 15 ? ['...', ...requests.slice(-15)] : requests;
    return (
      `${requests.length} requests, ${this.deliveries.length} deliveries` +
      `${shown.length > 0 ? `:\n  ${shown.join('\n  ')}` : ''}\nrejected: ${JSON.stringify(this.rejected)}`
    );
  }
}

/** The Standard Webhooks envelope's fields, or what is wrong with it. */
function envelopeFields(envelope: unknown): Pick<WebhookRequest, 'type' | 'timestamp' | 'data'> | string {
  if (typeof envelope !== 'object' || envelope === null) return 'the body is not a JSON object';
  const { type, timestamp, data } = envelope as Record<string, unknown>;
  if (typeof type !== 'string' || type === '') return 'the body has no type';
  if (typeof timestamp !== 'string' || Number.isNaN(Date.parse(timestamp)))
    return `${type}: the body has no ISO timestamp`;
  if (data === undefined) return `${type}: the body has no data`;
  return { type, timestamp, data };
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
