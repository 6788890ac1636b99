/*
 * What offline reach costs the send, and how fast it reaches people
 * (`npm run bench:notifications`, issue 21):
 *
 * 1. POST /send between random pairs of offline users on two copies of the
 *    service side by side on one database, in alternating rounds (medians):
 *    "off" has no Web Push keys and no webhook URL, so its statements write no
 *    outbox events; "on" has both, every recipient has a push subscription,
 *    and every send becomes a webhook and a push. The sender's request must
 *    not wait for either: the ratio on / off is the figure.
 * 2. Notifications delivered per second: every webhook and push the "on"
 *    rounds caused, counted as they arrive at the local receivers, from the
 *    start of the first round until the queue is empty.
 * 3. Commit to push: one send at a time with PUSH_DELAY_MS=0, from the send's
 *    201 (its commit) to the push service receiving the push (p50/p99).
 *
 * The receivers here only count and time what arrives (201 / 200 at once);
 * that the pushes decrypt and the webhooks verify is proven by the e2e tests
 * (test/notifications/).
 */
import 'reflect-metadata';
import { createECDH, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import webPush from 'web-push';
import { hashToken } from '../src/auth/tokens.js';
import { createBenchDatabase } from './database.js';
import { medianRound, percentile, runHttpLoad } from './load.js';
import type { LoadResult } from './load-types.js';
import { parseOptions } from './options.js';
import { benchToken, insertUsers } from './seed.js';
import { type RunningService, startService } from './service.js';

const USERS = 2_000;
const log = (line: string) => console.log(`[bench:notifications] ${line}`);
const now = () => performance.timeOrigin + performance.now();
const fixed = (value: number) => value.toFixed(1);

/** A receiver that answers at once and remembers when each request arrived, by path. */
interface Receiver {
  url: string;
  arrivals: Map<string, number[]>;
  count: () => number;
  lastArrival: () => number;
  close: () => Promise<void>;
}

async function startReceiver(status: number): Promise<Receiver> {
  const arrivals = new Map<string, number[]>();
  let count = 0;
  let last = 0;
  const server: Server = createServer((request, response) => {
    const at = now();
    request.resume();
    request.on('end', () => {
      count++;
      last = at;
      const path = request.url ?? '/';
      arrivals.set(path, [...(arrivals.get(path) ?? []), at]);
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    count: () => count,
    lastArrival: () => last,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** USERS users with sessions, each with one push subscription at the push receiver, keys as a browser makes them. */
async function seed(url: string, pushUrl: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  await insertUsers(pool, 1, USERS, 'not a usable hash');
  const ids = Array.from({ length: USERS }, (_, i) => i + 1);
  await pool.query(
    `INSERT INTO sessions (user_id, token_hash, expires_at)
     SELECT unnest($1::int[]), unnest($2::bytea[]), now() + interval '1 day'`,
    [ids, ids.map((id) => hashToken(benchToken(id)))],
  );
  const browser = createECDH('prime256v1');
  browser.generateKeys();
  await pool.query(
    `INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth)
     SELECT id, $2 || '/push/' || id, $3, $4 FROM unnest($1::int[]) id`,
    [ids, pushUrl, browser.getPublicKey('base64url'), randomBytes(16).toString('base64url')],
  );
  await pool.end();
}

function randomPair(): [number, number] {
  const sender = 1 + Math.floor(Math.random() * USERS);
  const recipient = 1 + ((sender + Math.floor(Math.random() * (USERS - 1))) % USERS);
  return [sender, recipient];
}

const nextSend = () => {
  const [sender, recipient] = randomPair();
  return {
    method: 'POST' as const,
    path: '/send',
    token: benchToken(sender),
    body: { user_id: recipient, message: 'bench message' },
  };
};

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const database = await createBenchDatabase('parley_bench_notifications');
  const push = await startReceiver(201);
  const webhooks = await startReceiver(200);
  const services: RunningService[] = [];
  try {
    await seed(database.url, push.url);
    const vapid = webPush.generateVAPIDKeys();
    const common = {
      WEB_CONCURRENCY: String(options.workers),
      RATE_LIMIT_SEND_PER_USER: '1000000',
      PUSH_ALLOW_INSECURE_ENDPOINTS: 'true',
      PUSH_DELAY_MS: '0',
    };
    const off = await startService(database.url, common, undefined, { discardStdout: true });
    services.push(off);
    const on = await startService(
      database.url,
      {
        ...common,
        VAPID_PUBLIC_KEY: vapid.publicKey,
        VAPID_PRIVATE_KEY: vapid.privateKey,
        VAPID_SUBJECT: 'mailto:bench@example.com',
        WEBHOOK_URLS: `${webhooks.url}/hook`,
        WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
      },
      undefined,
      { discardStdout: true },
    );
    services.push(on);
    log(
      `${USERS} offline users with a push subscription each; concurrency ${options.concurrency}, ${options.rounds} rounds of ${options.durationSeconds} s`,
    );

    for (const service of [off, on]) await runHttpLoad(service.url, nextSend, { ...options, durationSeconds: 1 });
    const results: Record<'off' | 'on', LoadResult[]> = { off: [], on: [] };
    const deliveredBefore = push.count() + webhooks.count();
    const started = now();
    for (let round = 0; round < options.rounds; round++) {
      for (const variant of round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
        results[variant].push(await runHttpLoad(variant === 'on' ? on.url : off.url, nextSend, options));
      }
    }
    const [offResult, onResult] = [medianRound(results.off), medianRound(results.on)];
    log(
      `POST /send (random pairs), notifications off: ${offResult.requestsPerSecond.toFixed(0)} req/s, p50 ${offResult.p50} ms, p99 ${offResult.p99} ms, non-2xx ${offResult.failures}`,
    );
    log(
      `POST /send (random pairs), push + 1 webhook URL on: ${onResult.requestsPerSecond.toFixed(0)} req/s, p50 ${onResult.p50} ms, p99 ${onResult.p99} ms, non-2xx ${onResult.failures}; on / off ${((100 * onResult.requestsPerSecond) / offResult.requestsPerSecond).toFixed(0)}%`,
    );

    // Every "on" send is one webhook and one push (no one is connected, nothing is read or muted).
    const expected = Math.round(
      results.on.reduce((sum, round) => sum + round.requestsPerSecond * options.durationSeconds, 0) * 2,
    );
    const drained = await waitUntil(() => push.count() + webhooks.count() - deliveredBefore >= expected, 300_000);
    const delivered = push.count() + webhooks.count() - deliveredBefore;
    const seconds = (Math.max(push.lastArrival(), webhooks.lastArrival()) - started) / 1000;
    log(
      `notifications delivered: ${delivered} of ~${expected} (${webhooks.count()} webhooks, ${push.count()} pushes) in ${fixed(seconds)} s from the first round: ${(delivered / seconds).toFixed(0)}/s${drained ? '' : ' (queue not empty after 300 s)'}`,
    );

    // Commit to push, one send at a time to users who have had nothing pushed in this phase.
    const delays: number[] = [];
    for (let i = 0; i < 200; i++) {
      const sender = 1 + (i % USERS);
      const recipient = 1 + ((i + USERS / 2) % USERS);
      const path = `/push/${recipient}`;
      const seen = push.arrivals.get(path)?.length ?? 0;
      const response = await fetch(`${on.url}/send`, {
        method: 'POST',
        headers: { authorization: `Bearer ${benchToken(sender)}`, 'content-type': 'application/json' },
        body: JSON.stringify({ user_id: recipient, message: `delay ${i}` }),
      });
      const committed = now();
      if (response.status !== 201) throw new Error(`send answered ${response.status}`);
      if (await waitUntil(() => (push.arrivals.get(path)?.length ?? 0) > seen, 10_000)) {
        delays.push(push.arrivals.get(path)![seen] - committed);
      }
      // Read it, so the next send to this user is not collapsed into this one.
      await fetch(`${on.url}/read/${sender}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${benchToken(recipient)}` },
      });
    }
    const sorted = delays.sort((a, b) => a - b);
    log(
      `commit to push (PUSH_DELAY_MS=0, one send at a time): p50 ${fixed(percentile(sorted, 0.5))} ms, p99 ${fixed(percentile(sorted, 0.99))} ms (${sorted.length} of 200 pushed)`,
    );
  } finally {
    for (const service of services) await service.stop();
    await push.close();
    await webhooks.close();
    await database.stop();
  }
}

void main().then(() => process.exit(0));
