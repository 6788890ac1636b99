/*
 * `npm run bench:realtime [-- --sockets 1000 --rate 200 --seconds 10 --idle 10000 --broadcast 10000]`
 * Live delivery, measured from outside as clients see it:
 *  - send → message.new latency (p50/p99) at a fixed rate of REST sends, with --sockets receivers connected,
 *    across 2 instances through Redis (REDIS_URL, default redis://127.0.0.1:6379/13) and across 2 workers;
 *  - --idle sockets on one process: RSS per socket, handshakes per second;
 *  - one send_to_all to --broadcast connected users: time until the last receives broadcast.new.
 */
import 'reflect-metadata';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { hashToken } from '../src/auth/tokens.js';
import type { ServerToClientEvents } from '../src/realtime/events.js';
import { createBenchDatabase } from './database.js';
import { percentile } from './load.js';
import { benchToken, insertUsers } from './seed.js';
import { type RunningService, startService } from './service.js';

type Client = Socket<ServerToClientEvents>;

const SENDER = 1;
const log = (line: string) => console.log(`[bench:realtime] ${line}`);
const now = () => performance.timeOrigin + performance.now();

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const LIMITS = {
  RATE_LIMIT_SEND_PER_USER: '1000000',
  RATE_LIMIT_BROADCAST_PER_USER: '1000',
  REALTIME_MAX_SOCKETS_PER_USER: '1000',
};

async function seedUsers(url: string, count: number): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  await insertUsers(pool, 1, count, 'not a usable hash');
  const ids = Array.from({ length: count }, (_, i) => i + 1);
  await pool.query(
    `INSERT INTO sessions (user_id, token_hash, expires_at)
     SELECT unnest($1::int[]), unnest($2::bytea[]), now() + interval '1 day'`,
    [ids, ids.map((id) => hashToken(benchToken(id)))],
  );
  await pool.end();
}

/** One user's socket; a worker still connecting to the database answers 503 at first, so that is retried. */
async function connectUser(url: string, id: number, attempts = 40): Promise<Client> {
  for (let attempt = 1; ; attempt++) {
    const socket: Client = io(url, { transports: ['websocket'], auth: { token: benchToken(id) }, reconnection: false });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      return socket;
    } catch (error) {
      socket.close();
      if (attempt >= attempts || (error as { data?: { statusCode?: number } }).data?.statusCode !== 503) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** Connects users from..to-1, `inFlight` handshakes at a time; resolves with the sockets and handshakes/s. */
async function connectUsers(url: string, from: number, to: number, inFlight = 200) {
  const sockets: Client[] = [];
  const started = performance.now();
  let next = from;
  const worker = async () => {
    while (next < to) {
      const id = next++;
      sockets.push(await connectUser(url, id));
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { sockets, perSecond: (to - from) / ((performance.now() - started) / 1000) };
}

/**
 * Sends at `rate`/s for `seconds` from SENDER to random receivers through `restUrl`; latencies of message.new,
 * from issuing the POST. Apart: the first second (cold pools, statements prepared again, JIT) and the steady state
 * after it; the POST's own time to its 201 (the commit's share of a tail); and this harness's event-loop delay
 * (a late timer here reads as a late delivery).
 */
async function deliveryLatency(restUrl: string, sockets: Client[], rate: number, seconds: number) {
  const arrivals: { sentAt: number; latency: number }[] = [];
  const posts: number[] = [];
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  const started = performance.now();
  const startedAt = now();
  for (const socket of sockets) {
    socket.on('message.new', (message) => {
      const sentAt = Number(message.message);
      arrivals.push({ sentAt: sentAt - startedAt, latency: now() - sentAt });
    });
  }
  loopDelay.enable();
  const total = rate * seconds;
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const receiver = 2 + Math.floor(Math.random() * sockets.length);
    const issued = now();
    sends.push(
      fetch(`${restUrl}/send`, {
        method: 'POST',
        headers: { authorization: `Bearer ${benchToken(SENDER)}`, 'content-type': 'application/json' },
        body: JSON.stringify({ user_id: receiver, message: String(issued) }),
      })
        .then((response) => response.arrayBuffer())
        .then(() => posts.push(now() - issued)),
    );
  }
  await Promise.all(sends);
  const deadline = performance.now() + 10_000;
  while (arrivals.length < total && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  loopDelay.disable();
  for (const socket of sockets) socket.off('message.new');
  const stats = (values: number[]) => {
    const sorted = [...values].sort((x, y) => x - y);
    return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
  };
  return {
    sent: total,
    received: arrivals.length,
    ...stats(arrivals.map((arrival) => arrival.latency)),
    firstSecond: stats(arrivals.filter((arrival) => arrival.sentAt < 1_000).map((arrival) => arrival.latency)),
    steady: stats(arrivals.filter((arrival) => arrival.sentAt >= 1_000).map((arrival) => arrival.latency)),
    post: stats(posts),
    harnessLoopDelayP99: loopDelay.percentile(99) / 1e6,
  };
}

/** One line for a deliveryLatency result. */
function describeDelivery(path: string, result: Awaited<ReturnType<typeof deliveryLatency>>): string {
  const pair = ({ p50, p99 }: { p50: number; p99: number }) => `p50 ${fixed(p50)} / p99 ${fixed(p99)} ms`;
  return (
    `${path}: p50 ${fixed(result.p50)} ms, p99 ${fixed(result.p99)} ms (${result.received}/${result.sent} delivered); ` +
    `first second ${pair(result.firstSecond)}, after it ${pair(result.steady)}; POST to its 201 ${pair(result.post)}; ` +
    `harness event-loop delay p99 ${fixed(result.harnessLoopDelayP99)} ms`
  );
}

async function withServices<T>(
  envs: Record<string, string>[],
  url: string,
  work: (services: RunningService[]) => Promise<T>,
) {
  const services: RunningService[] = [];
  try {
    for (const env of envs) services.push(await startService(url, { ...LIMITS, ...env }));
    return await work(services);
  } finally {
    await Promise.all(services.map((service) => service.stop()));
  }
}

const closeAll = (sockets: Client[]) => sockets.forEach((socket) => socket.close());
const fixed = (value: number) => value.toFixed(1);

async function main(): Promise<void> {
  const receivers = option('sockets', 1_000);
  const rate = option('rate', 200);
  const seconds = option('seconds', 10);
  const idle = option('idle', 10_000);
  const broadcastTo = option('broadcast', 10_000);
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/13';
  const database = await createBenchDatabase('parley_bench_realtime');
  try {
    await seedUsers(database.url, 1 + Math.max(receivers, idle, broadcastTo));
    log(`${receivers} receivers, ${rate} sends/s for ${seconds} s`);

    await withServices([{ REDIS_URL: redisUrl }, { REDIS_URL: redisUrl }], database.url, async ([rest, live]) => {
      const { sockets } = await connectUsers(live.url, 2, 2 + receivers);
      const result = await deliveryLatency(rest.url, sockets, rate, seconds);
      log(describeDelivery('2 instances via Redis streams', result));
      closeAll(sockets);
    });

    await withServices([{ WEB_CONCURRENCY: '2' }], database.url, async ([service]) => {
      const { sockets } = await connectUsers(service.url, 2, 2 + receivers);
      const result = await deliveryLatency(service.url, sockets, rate, seconds);
      log(describeDelivery('2 workers (cluster adapter)', result));
      closeAll(sockets);
    });

    await withServices([{}], database.url, async ([service]) => {
      const before = service.rssMiB();
      const { sockets, perSecond } = await connectUsers(service.url, 2, 2 + idle);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const perSocketKiB = ((service.rssMiB() - before) * 1024) / idle;
      log(`${idle} idle sockets on one process: ${fixed(perSocketKiB)} KiB RSS each, ${fixed(perSecond)} handshakes/s`);
      const everyone = sockets.slice(0, broadcastTo);
      const started = now();
      let last = 0;
      let arrived = 0;
      const all = new Promise<void>((resolve) => {
        for (const socket of everyone) {
          socket.once('broadcast.new', () => {
            last = now();
            if (++arrived === everyone.length) resolve();
          });
        }
      });
      const response = await fetch(`${service.url}/send_to_all`, {
        method: 'POST',
        headers: { authorization: `Bearer ${benchToken(SENDER)}`, 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'to everyone' }),
      });
      if (!response.ok) throw new Error(`send_to_all answered ${response.status}`);
      await Promise.race([all, new Promise((resolve) => setTimeout(resolve, 30_000))]);
      log(
        `send_to_all to ${everyone.length} connected: last broadcast.new after ${fixed(last - started)} ms (${arrived} received)`,
      );
      closeAll(sockets);
    });
  } finally {
    await database.stop();
  }
}

void main().then(() => process.exit(0));
