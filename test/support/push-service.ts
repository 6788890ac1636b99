/*
 * A Web Push service (RFC 8030) on loopback, for e2e tests. subscribe() plays the browser: it makes a P-256 key
 * pair and an auth secret, and keeps the private key so that every push can be decrypted and checked.
 * Each POST to /push/<id> is checked as a strict push service would:
 *  - VAPID (RFC 8292): `Authorization: vapid t=<JWT>, k=<key>`, k the configured key, an ES256 signature by it,
 *    aud the endpoint's origin, exp in the future and at most 24 h ahead, sub a mailto: or https: contact;
 *  - RFC 8030 headers: TTL present (an integer), Urgency and Topic well-formed when present;
 *  - the body (RFC 8291/8188): Content-Encoding aes128gcm, one record whose keyid is the sender's 65-byte key,
 *    at most 4096 bytes, decrypting with the subscription's key and auth secret to JSON.
 * Decryption is done here with node:crypto rather than http_ece: web-push encrypts with http_ece, so decrypting
 * with it too would let a fault shared by both directions pass unseen.
 * Every failure lands in `problems` and is answered 400; the push is recorded all the same.
 */
import {
  createDecipheriv,
  createECDH,
  createPublicKey,
  hkdfSync,
  type KeyObject,
  randomBytes,
  verify,
} from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface ReceivedPush {
  path: string;
  /** The status this service answered. */
  status: number;
  /** The decrypted body, parsed as JSON; undefined when it could not be. */
  payload: unknown;
  topic: string | undefined;
  urgency: string | undefined;
  ttl: string | undefined;
}

interface PushAnswer {
  status: number;
  headers?: Record<string, string>;
}

interface BrowserSubscription {
  /** What PushSubscription.toJSON() gives a page, to hand to the application server. */
  json: { endpoint: string; keys: { p256dh: string; auth: string } };
}

interface Subscription {
  privateKey: Buffer;
  publicKey: Buffer;
  authSecret: Buffer;
  answers: PushAnswer[];
}

interface Waiter {
  predicate: (push: ReceivedPush) => boolean;
  resolve: (push: ReceivedPush) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** RFC 8030 §7.2: a push service need not take a larger body, and the big ones do not. */
const MAX_BODY = 4096;
/** RFC 8292 §2: exp no further than 24 hours from the request. */
const MAX_EXP_SECONDS = 24 * 60 * 60;
const URGENCIES = ['very-low', 'low', 'normal', 'high'];
const TOPIC = /^[A-Za-z0-9_-]{1,32}$/;

export class PushService {
  readonly received: ReceivedPush[] = [];
  readonly problems: string[] = [];
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly waiters = new Set<Waiter>();

  private constructor(
    private readonly server: Server,
    private readonly origin: string,
    private readonly vapidKey: { raw: Buffer; key: KeyObject },
  ) {}

  /** `tls`: serve https with this key and certificate (a real push service's TLS), else http. */
  static async start(options: { vapidPublicKey: string; tls?: { key: string; cert: string } }): Promise<PushService> {
    const vapidKey = publicKeyFromRaw(options.vapidPublicKey);
    const server = options.tls ? createHttpsServer(options.tls) : createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const service = new PushService(server, `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`, vapidKey);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      service.handle(request, response).catch((error: unknown) => {
        service.problems.push(`${request.method} ${request.url}: the push service failed: ${messageOf(error)}`);
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
    });
    return service;
  }

  /** A new subscription, made as a browser makes one (PushManager.subscribe). */
  subscribe(): BrowserSubscription {
    const ecdh = createECDH('prime256v1');
    const publicKey = ecdh.generateKeys();
    const authSecret = randomBytes(16);
    const id = randomBytes(16).toString('base64url');
    this.subscriptions.set(id, { privateKey: ecdh.getPrivateKey(), publicKey, authSecret, answers: [] });
    return {
      json: {
        endpoint: `${this.origin}/push/${id}`,
        keys: { p256dh: publicKey.toString('base64url'), auth: authSecret.toString('base64url') },
      },
    };
  }

  pushesTo(endpoint: string): ReceivedPush[] {
    const path = new URL(endpoint).pathname;
    return this.received.filter((push) => push.path === path);
  }

  /** The next valid pushes to `endpoint` get these answers, in order; after them, 201 again. */
  respondWith(endpoint: string, ...answers: PushAnswer[]): void {
    const subscription = this.subscriptions.get(idOf(new URL(endpoint).pathname) ?? '');
    if (!subscription) throw new Error(`respondWith: ${endpoint} is not a subscription of this push service`);
    subscription.answers.push(...answers);
  }

  /**
   * The first push, already received or still to come, that `predicate` accepts. A predicate that ignores its
   * argument (`() => service.received.length >= n`) works too: it is asked again at every push.
   */
  waitFor(predicate: (push: ReceivedPush) => boolean, timeoutMs: number): Promise<ReceivedPush> {
    const found = this.received.find((push) => accepts(predicate, push));
    if (found) return Promise.resolve(found);
    return new Promise<ReceivedPush>((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`PushService.waitFor: no matching push within ${timeoutMs} ms. ${this.summary()}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  async close(): Promise<void> {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('PushService closed while a test was waiting for a push'));
    }
    this.waiters.clear();
    const closed = new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
    // The application server's keep-alive connections would otherwise hold close() open.
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const path = new URL(request.url ?? '/', this.origin).pathname;
    const id = idOf(path);
    if (request.method !== 'POST' || id === undefined) {
      // Not a push at all: nothing in this protocol is sent any other way.
      this.problems.push(`${request.method} ${path}: not a push (POST /push/<id>)`);
      response.writeHead(404).end();
      return;
    }

    const problems: string[] = [];
    const subscription = this.subscriptions.get(id);
    if (!subscription) problems.push('unknown endpoint (no subscription made here)');
    problems.push(...this.vapidProblems(header(request, 'authorization')));

    const ttl = header(request, 'ttl');
    const urgency = header(request, 'urgency');
    const topic = header(request, 'topic');
    if (ttl === undefined) problems.push('no TTL header (RFC 8030 §5.2 requires it)');
    else if (!/^\d+$/.test(ttl)) problems.push(`TTL ${JSON.stringify(ttl)} is not a number of seconds`);
    if (urgency !== undefined && !URGENCIES.includes(urgency))
      problems.push(`Urgency ${JSON.stringify(urgency)} is not one of ${URGENCIES.join(', ')}`);
    if (topic !== undefined && !TOPIC.test(topic))
      problems.push(`Topic ${JSON.stringify(topic)} is not 1-32 base64url characters`);

    let payload: unknown;
    const encoding = header(request, 'content-encoding');
    if (body.length === 0) problems.push('no payload (every push of this application carries one)');
    else if (encoding !== 'aes128gcm')
      problems.push(`Content-Encoding ${JSON.stringify(encoding)}, not aes128gcm (RFC 8291)`);
    else if (subscription) {
      let plaintext: string | undefined;
      try {
        plaintext = decrypt(body, subscription).toString('utf8');
        payload = JSON.parse(plaintext);
      } catch (error) {
        const what = plaintext === undefined ? 'undecryptable payload' : 'the decrypted payload is not JSON';
        problems.push(`${what}: ${messageOf(error)}`);
      }
    }

    // A scripted answer is for a push the service would accept; a broken one is refused whatever was scripted.
    const answer: PushAnswer =
      problems.length > 0 ? { status: 400 } : (subscription?.answers.shift() ?? { status: 201 });
    this.problems.push(...problems.map((problem) => `POST ${path}: ${problem}`));
    const push: ReceivedPush = { path, status: answer.status, payload, topic, urgency, ttl };
    this.received.push(push);
    // RFC 8030 §5: a 201 names the push message resource that was created.
    const location = answer.status === 201 ? { location: `/message/${randomBytes(8).toString('hex')}` } : {};
    response.writeHead(answer.status, { ...location, ...answer.headers }).end();
    this.notify(push);
  }

  private vapidProblems(authorization: string | undefined): string[] {
    const scheme = authorization === undefined ? undefined : /^vapid\s+(.*)$/i.exec(authorization);
    if (!scheme) return [`Authorization ${JSON.stringify(authorization)} is not "vapid t=..., k=..." (RFC 8292)`];
    const params = new Map(
      scheme[1].split(',').map((part): [string, string] => {
        const [name, ...value] = part.trim().split('=');
        return [name.toLowerCase(), value.join('=')];
      }),
    );
    const token = params.get('t');
    const key = params.get('k');
    if (!token || !key) return ['the vapid Authorization lacks t= or k='];
    const problems: string[] = [];
    if (!Buffer.from(key, 'base64url').equals(this.vapidKey.raw))
      problems.push(`VAPID k=${key} is not the configured key`);

    const [encodedHeader, encodedClaims, encodedSignature, ...rest] = token.split('.');
    if (encodedSignature === undefined || rest.length > 0)
      return [...problems, 'the VAPID token is not a JWS (three parts)'];
    const jwtHeader = parseJsonObject(encodedHeader);
    if (jwtHeader?.alg !== 'ES256')
      problems.push(`the VAPID token's alg is ${JSON.stringify(jwtHeader?.alg)}, not ES256`);
    // Verified with the configured key, not k: a token signed by another key is someone else's.
    const signature = Buffer.from(encodedSignature, 'base64url');
    const signed = Buffer.from(`${encodedHeader}.${encodedClaims}`);
    if (!verifies(signed, this.vapidKey.key, signature))
      problems.push('the VAPID token is not signed by the configured key');

    const claims = parseJsonObject(encodedClaims);
    if (!claims) return [...problems, 'the VAPID token has no JSON claims'];
    if (claims.aud !== this.origin) problems.push(`VAPID aud ${JSON.stringify(claims.aud)} is not ${this.origin}`);
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.exp !== 'number') problems.push('the VAPID token has no numeric exp');
    else if (claims.exp <= now) problems.push(`the VAPID token expired ${now - claims.exp} s ago`);
    else if (claims.exp > now + MAX_EXP_SECONDS)
      problems.push(`VAPID exp is ${claims.exp - now} s ahead, more than 24 h`);
    if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub)) {
      problems.push(`VAPID sub ${JSON.stringify(claims.sub)} is not a mailto: or https: contact`);
    }
    return problems;
  }

  private notify(push: ReceivedPush): void {
    for (const waiter of this.waiters) {
      if (!accepts(waiter.predicate, push)) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.resolve(push);
    }
  }

  private summary(): string {
    const pushes = this.received.map((push) => `${push.status} ${push.path} ${JSON.stringify(push.payload)}`);
    const shown = pushes.length > 10 ? ['...', ...pushes.slice(-10)] : pushes;
    return `${pushes.length} received${shown.length > 0 ? `:\n  ${shown.join('\n  ')}` : ''}\nproblems: ${JSON.stringify(this.problems)}`;
  }
}

/**
 * RFC 8291 §3.4 with RFC 8188's aes128gcm: the header block gives salt, rs and the sender's ephemeral key; the
 * one record decrypts with a key and nonce derived from the ECDH secret and the auth secret.
 */
function decrypt(body: Buffer, subscription: Subscription): Buffer {
  if (body.length > MAX_BODY) throw new Error(`${body.length} bytes, more than ${MAX_BODY}`);
  if (body.length < 21) throw new Error(`${body.length} bytes, shorter than the aes128gcm header`);
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20];
  const senderKey = body.subarray(21, 21 + idlen);
  if (idlen !== 65 || senderKey[0] !== 0x04)
    throw new Error(`keyid is not a 65-byte uncompressed P-256 key (RFC 8291 §4)`);
  const record = body.subarray(21 + idlen);
  if (rs < 18) throw new Error(`record size ${rs} is below 18`);
  if (record.length > rs)
    throw new Error(`${record.length} bytes of records with rs ${rs}: not a single record (RFC 8291 §4)`);
  if (record.length <= 16) throw new Error('the record is no longer than its tag');

  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(subscription.privateKey);
  const shared = ecdh.computeSecret(senderKey);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), subscription.publicKey, senderKey]);
  const ikm = Buffer.from(hkdfSync('sha256', shared, subscription.authSecret, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));

  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  // RFC 8188 §2: the data, then the delimiter (2 in the last record), then zeros.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (end < 0 || padded[end] !== 2) throw new Error('the record does not end with the last-record delimiter 0x02');
  return padded.subarray(0, end);
}

/** A verification key from the 65-byte uncompressed point that VAPID keys are published as. */
function publicKeyFromRaw(publicKey: string): { raw: Buffer; key: KeyObject } {
  const raw = Buffer.from(publicKey, 'base64url');
  if (raw.length !== 65 || raw[0] !== 0x04) throw new Error('vapidPublicKey is not a 65-byte uncompressed P-256 key');
  const jwk = {
    kty: 'EC',
    crv: 'P-256',
    x: raw.subarray(1, 33).toString('base64url'),
    y: raw.subarray(33).toString('base64url'),
  };
  return { raw, key: createPublicKey({ key: jwk, format: 'jwk' }) };
}

/** ES256 as JWS has it: the signature is r and s side by side, not DER. A malformed one does not verify. */
function verifies(signed: Buffer, key: KeyObject, signature: Buffer): boolean {
  try {
    return verify('sha256', signed, { key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}

function idOf(path: string): string | undefined {
  return /^\/push\/([^/]+)$/.exec(path)?.[1];
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function parseJsonObject(base64url: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(base64url, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A predicate that throws (reading a field of a payload that is not there) has simply not matched. */
function accepts(predicate: (push: ReceivedPush) => boolean, push: ReceivedPush): boolean {
  try {
    return predicate(push);
  } catch {
    return false;
  }
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
