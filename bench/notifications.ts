/*
 * What offline reach costs the send, and how fast it reaches people
 * (`npm run bench:notifications`, issue 21). Two copies of the service side
 * by side on one database, POST /send between random pairs of offline users,
 * alternating rounds (medians); "off" has no Web Push keys and no webhook URL,
 * so its statements write no outbox events; "on" has both, every recipient
 * has a push subscription, and every send becomes a webhook and a push.
 *
 * 1. The request alone: "on" runs with NOTIFICATION_WORKERS=false, so it
 *    writes every event and delivers none during the rounds. The sender's
 *    request must not wait for either channel: on / off is the guard.
 * 2. Delivery: an instance with workers starts on the backlog phase 1 left
 *    and is timed until the queue is empty (notifications per second, and
 *    CPU per notification in the instance and in PostgreSQL).
 * 3. A shared machine: "on" delivers while it serves, each round starting
 *    with an empty queue: what a deployment that runs both on the same cores
 *    gets.
 * 4. Commit to push: one send at a time with PUSH_DELAY_MS=0, from the
 *    send's 201 (its commit) to the push service receiving the push (p50/p99).
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
import { databaseCpuSeconds, type RunningService, startService } from './service.js';

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

/** Events still waiting to be delivered: in the outbox, or a job of ours not yet finished (pg-boss's own are not). */
async function pending(pool: pg.Pool): Promise<number> {
  const outbox = await pool.query<{ count: string }>('SELECT count(*) FROM outbox');
  const { rows } = await pool.query<{ exists: boolean }>(`SELECT to_regclass('pgboss.job') IS NOT NULL AS exists`);
  // Before a delivery instance has started, pg-boss has not created its schema: no jobs yet.
  const jobs = rows[0].exists
    ? await pool.query<{ count: string }>(
        `SELECT count(*) FROM pgboss.job WHERE state IN ('created', 'retry', 'active') AND name NOT LIKE '\\_\\_pgboss%'`,
      )
    : { rows: [{ count: '0' }] };
  return Number(outbox.rows[0].count) + Number(jobs.rows[0].count);
}

/** Waits until nothing is pending (true), or gives up after timeoutMs (false); never loops without a deadline. */
async function waitForEmptyQueue(pool: pg.Pool, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while ((await pending(pool)) > 0) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return true;
}

async function alternate(
  urls: Record<'off' | 'on', string>,
  options: ReturnType<typeof parseOptions>,
  beforeEachRound: () => Promise<void> = async () => {},
): Promise<Record<'off' | 'on', LoadResult>> {
  const results: Record<'off' | 'on', LoadResult[]> = { off: [], on: [] };
  for (let round = 0; round < options.rounds; round++) {
    for (const variant of round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
      await beforeEachRound();
      results[variant].push(await runHttpLoad(urls[variant], nextSend, options));
    }
  }
  return { off: medianRound(results.off), on: medianRound(results.on) };
}

function sendRows(label: string, { off, on }: Record<'off' | 'on', LoadResult>): void {
  const row = (name: string, result: LoadResult) =>
    `${name}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, non-2xx ${result.failures}`;
  log(`${label}: POST /send (random pairs), ${row('notifications off', off)}`);
  log(
    `${label}: POST /send (random pairs), ${row('push + 1 webhook URL on', on)}; on / off ${((100 * on.requestsPerSecond) / off.requestsPerSecond).toFixed(0)}%`,
  );
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const database = await createBenchDatabase('parley_bench_notifications');
  const push = await startReceiver(201);
  const webhooks = await startReceiver(200);
  const pool = new pg.Pool({ connectionString: database.url, max: 1 });
  const services: RunningService[] = [];
  const start = async (env: Record<string, string>) => {
    const service = await startService(database.url, env, undefined, { discardStdout: true });
    services.push(service);
    return service;
  };
  try {
    await seed(database.url, push.url);
    const vapid = webPush.generateVAPIDKeys();
    const common = {
      WEB_CONCURRENCY: String(options.workers),
      RATE_LIMIT_SEND_PER_USER: '1000000',
      PUSH_ALLOW_INSECURE_ENDPOINTS: 'true',
      PUSH_DELAY_MS: '0',
    };
    const channels = {
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: 'mailto:bench@example.com',
      WEBHOOK_URLS: `${webhooks.url}/hook`,
      WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
    };
    const off = await start(common);
    // Writes every event, delivers none: what the request itself pays, with no delivery sharing the cores.
    const writer = await start({ ...common, ...channels, NOTIFICATION_WORKERS: 'false' });
    log(
      `${USERS} offline users with a push subscription each; concurrency ${options.concurrency}, ${options.rounds} rounds of ${options.durationSeconds} s`,
    );

    // 1. The request's own cost.
    for (const service of [off, writer]) await runHttpLoad(service.url, nextSend, { ...options, durationSeconds: 1 });
    sendRows('1. request only (deliveries held back)', await alternate({ off: off.url, on: writer.url }, options));

    // 2. Delivery: an instance with workers starts on the backlog the rounds left; it is timed until the queue is empty.
    const backlog = await pending(pool);
    const deliveredBefore = push.count() + webhooks.count();
    const started = now();
    const delivery = await start({ ...common, ...channels });
    // CPU is counted from here: the instance's own start (loading modules, connecting) is not a delivery's cost.
    const [serviceCpuBefore, databaseCpuBefore] = [delivery.cpuSeconds(), databaseCpuSeconds()];
    const deliveredBeforeCpu = push.count() + webhooks.count();
    const drained = await waitForEmptyQueue(pool, 600_000);
    const [serviceCpu, databaseCpu] = [
      delivery.cpuSeconds() - serviceCpuBefore,
      databaseCpuSeconds() - databaseCpuBefore,
    ];
    const deliveredWhileCounted = push.count() + webhooks.count() - deliveredBeforeCpu;
    const delivered = push.count() + webhooks.count() - deliveredBefore;
    const seconds = (Math.max(push.lastArrival(), webhooks.lastArrival()) - started) / 1000;
    log(
      `2. notifications delivered: ${delivered} (${webhooks.count()} webhooks, ${push.count()} pushes; bursts to one recipient collapse) from a backlog of ${backlog} events in ${fixed(seconds)} s from the delivery instance's start: ${(delivered / seconds).toFixed(0)}/s${drained ? '' : ' (queue not empty after 600 s)'}`,
    );
    log(
      `2. CPU per notification (the ${deliveredWhileCounted} delivered once the instance was up): ${fixed((1000 * serviceCpu) / deliveredWhileCounted)} ms in the delivery instance, ${fixed((1000 * databaseCpu) / deliveredWhileCounted)} ms in PostgreSQL`,
    );

    // 3. A shared machine: the "on" instance delivers while it serves; each round starts with an empty queue.
    if (drained) {
      sendRows(
        '3. request and its deliveries on the same two cores',
        await alternate({ off: off.url, on: delivery.url }, options, async () => {
          if (!(await waitForEmptyQueue(pool, 600_000))) throw new Error('the queue did not empty within 600 s');
        }),
      );
    }

    // 4. Commit to push, one send at a time to users who have had nothing pushed in this phase.
    await waitForEmptyQueue(pool, 600_000);
    const delays: number[] = [];
    for (let i = 0; i < 200; i++) {
      const sender = 1 + (i % USERS);
      const recipient = 1 + ((i + USERS / 2) % USERS);
      const path = `/push/${recipient}`;
      const seen = push.arrivals.get(path)?.length ?? 0;
      const response = await fetch(`${delivery.url}/send`, {
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
      await fetch(`${delivery.url}/read/${sender}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${benchToken(recipient)}` },
      });
    }
    const sorted = delays.sort((a, b) => a - b);
    log(
      `4. commit to push (PUSH_DELAY_MS=0, one send at a time): p50 ${fixed(percentile(sorted, 0.5))} ms, p99 ${fixed(percentile(sorted, 0.99))} ms (${sorted.length} of 200 pushed)`,
    );
  } finally {
    for (const service of services) await service.stop();
    await pool.end();
    await push.close();
    await webhooks.close();
    await database.stop();
  }
}

void main().then(() => process.exit(0));
