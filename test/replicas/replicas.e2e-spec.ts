/*
 * Reads on a streaming replica (DATABASE_REPLICA_URLS) against real streaming replication made in this run
 * (support/replica-cluster.ts): a primary and a replica on loopback, lag made on demand by pausing replay. Two
 * instances of the app share Redis, where the causal positions live. Counters are the Prometheus metrics
 * themselves (observability/metrics.ts), read from prom-client's registry.
 */
import { Redis } from 'ioredis';
import pg from 'pg';
import * as prom from 'prom-client';
import { DataSource } from 'typeorm';
import { poolOf } from '../../src/database/prepared-statements.js';
import { ReplicaReads } from '../../src/database/replicas/replica-reads.js';
import { collectMetrics } from '../../src/observability/metrics.js';
import { bearer, type MessageBody, sendMessage, signupUser, syncFor, type TestUser } from '../support/factories.js';
import { startReplicaCluster, type ReplicaCluster } from '../support/replica-cluster.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const REDIS_URL = 'redis://127.0.0.1:6379/13';

async function counter(name: string, label: string, value: string): Promise<number> {
  const metric = prom.register.getSingleMetric(name);
  if (!metric) throw new Error(`No metric ${name}`);
  const { values } = await metric.get();
  return values.filter((sample) => sample.labels[label] === value).reduce((sum, sample) => sum + sample.value, 0);
}

const replicaReads = () => counter('db_reads_total', 'target', 'replica');
const fallbacks = (reason: string) => counter('db_read_fallbacks_total', 'reason', reason);

/** Retries `check` until it passes or `timeoutMs` runs out (then its last failure is thrown). */
async function eventually(check: () => Promise<void> | void, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

async function history(app: TestApp, reader: TestUser, peer: TestUser): Promise<MessageBody[]> {
  const response = await app.api().get(`/chat/${peer.id}`).set(bearer(reader)).expect(200);
  return (response.body as { messages: MessageBody[] }).messages;
}

describe('reads on a streaming replica', () => {
  let cluster: ReplicaCluster;
  let redis: Redis;
  let first: TestApp;
  let second: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  const apps: TestApp[] = [];

  /** An instance of the app on the cluster's primary, reading from its replica, positions in Redis. */
  async function instance(env: Record<string, string> = {}): Promise<TestApp> {
    const app = await createTestApp({
      database: { url: cluster.primaryUrl, drop: () => Promise.resolve() },
      env: {
        DATABASE_REPLICA_URLS: cluster.replicaUrl,
        REDIS_URL,
        REPLICA_POLL_INTERVAL_MS: '20',
        ...env,
      },
    });
    apps.push(app);
    return app;
  }

  /** Until `app` has seen the replica caught up (its poll), so a read with no position left may go there. */
  async function replicaInUse(app: TestApp, timeoutMs = 10_000): Promise<void> {
    await cluster.waitForReplay();
    await eventually(() => {
      const [replica] = app.app.get(ReplicaReads).status();
      expect(replica).toMatchObject({ up: true, paused: false });
      expect(replica.lagMs).toBeLessThan(1_000);
    }, timeoutMs);
  }

  beforeAll(async () => {
    const metrics = await collectMetrics();
    cluster = await startReplicaCluster();
    redis = new Redis(REDIS_URL);
    await redis.flushdb(); // positions of an earlier run belong to another cluster's WAL
    first = await instance();
    second = await instance();
    metrics.watchReplicas(() => first.app.get(ReplicaReads).status());
    alice = await signupUser(first);
    bob = await signupUser(first);
    carol = await signupUser(first);
    await replicaInUse(first);
    await replicaInUse(second);
  }, 120_000);

  afterAll(async () => {
    for (const app of apps) await app.close();
    redis?.disconnect();
    await cluster?.stop();
  }, 60_000);

  it('the naive path is stale: replay paused and no positions, a send read back from the replica is missing', async () => {
    await cluster.pauseReplay();
    const sent = await sendMessage(first, alice, bob, 'stale on the replica');
    // As if no position had been recorded: exactly what a read with no causal rule would do.
    await redis.flushdb();
    const before = await replicaReads();
    const seen = await history(first, alice, bob);
    expect(await replicaReads()).toBe(before + 1);
    expect(seen.map((message) => message.id)).not.toContain(sent.id);
    // The primary has it: the replica is behind, not the write lost.
    const [stored] = await first.query('SELECT id FROM messages WHERE id = $1', [sent.id]);
    expect(stored).toBeDefined();
    await cluster.resumeReplay();
  });

  it('with positions, a sender and the recipient on another instance read the send while replay is paused', async () => {
    await replicaInUse(first);
    await replicaInUse(second);
    await cluster.pauseReplay();
    const behind = await fallbacks('behind_position');
    const sent = await sendMessage(first, alice, bob, 'read your writes');
    // The sender, on the instance that wrote.
    expect((await history(first, alice, bob)).map((message) => message.id)).toContain(sent.id);
    // The recipient, as after a message.new event, on another instance: only Redis tells it of the write.
    expect((await history(second, bob, alice)).map((message) => message.id)).toContain(sent.id);
    const chats = await second.api().get('/chat').set(bearer(bob)).expect(200);
    expect(chats.body.chats[0]).toMatchObject({ user_id: alice.id, last_message: { id: sent.id } });
    // Each of the three was answered by the primary because the paused replica had not replayed the send.
    expect(await fallbacks('behind_position')).toBeGreaterThanOrEqual(behind + 3);
    // Marking read is a write of both users too: the sender sees the receipt at once.
    await second.api().post(`/read/${alice.id}`).set(bearer(bob)).expect(200, { updated: 2 });
    const read = (await history(first, alice, bob)).find((message) => message.id === sent.id);
    expect(read).toMatchObject({ read: true });
  });

  it("a broadcast raises everyone's position: a user who wrote nothing reads it while replay is still paused", async () => {
    const behind = await fallbacks('behind_position');
    await first.api().post('/send_to_all').set(bearer(alice)).send({ message: 'to everyone' }).expect(201);
    // Carol has no position of her own: only the global one sends her read to the primary.
    const messages = await history(second, carol, alice);
    expect(messages.map((message) => message.message)).toEqual(['to everyone']);
    expect(await fallbacks('behind_position')).toBe(behind + 1);
  });

  it("a signup, a login and a logout while replay is paused: everyone's GET /users shows them at once", async () => {
    const listed = async (reader: TestUser) => {
      const response = await second.api().get('/users').query({ limit: 100 }).set(bearer(reader)).expect(200);
      return response.body.users as { id: number; active: boolean }[];
    };
    await cluster.pauseReplay(); // still paused after the broadcast's test, and paused when run alone
    const behind = await fallbacks('behind_position');
    // Dave signs up on the first instance; Carol, who has written nothing, lists users on the second.
    const dave = await signupUser(first);
    expect((await listed(carol)).find((user) => user.id === dave.id)).toMatchObject({ active: true });
    await first.api().post('/logout').set(bearer(dave)).expect(204);
    expect((await listed(carol)).find((user) => user.id === dave.id)).toMatchObject({ active: false });
    const login = await first
      .api()
      .post('/login')
      .send({ username: dave.username, password: dave.password })
      .expect(200);
    expect((await listed(carol)).find((user) => user.id === dave.id)).toMatchObject({ active: true });
    expect(login.body.token).toEqual(expect.any(String));
    // Answered by the primary: the paused replica has none of the three.
    expect(await fallbacks('behind_position')).toBe(behind + 3);
  });

  it('resumed, the replica serves those reads again, and readiness reports it', async () => {
    await cluster.resumeReplay();
    await replicaInUse(first);
    const before = await replicaReads();
    await eventually(async () => {
      const messages = await history(first, alice, bob);
      expect(messages.find((message) => message.message === 'read your writes')).toMatchObject({ read: true });
      expect(messages.at(-1)).toMatchObject({ message: 'to everyone' });
      expect(await replicaReads()).toBeGreaterThan(before);
    });
    const ready = await first.api().get('/health/ready').expect(200);
    const name = `replica 127.0.0.1:${new URL(cluster.replicaUrl).port}/postgres`;
    expect(ready.body.checks[name]).toMatch(/^up, \d+ ms behind$/);
    const lag = prom.register.getSingleMetric('db_replica_lag_seconds');
    expect((await lag?.get())?.values).toEqual([{ labels: { replica: name.slice(8) }, value: expect.any(Number) }]);
  });

  it('a replica further behind than REPLICA_MAX_LAG_MS serves nobody, not even a user with no position, until it catches up', async () => {
    const strict = await instance({ REPLICA_MAX_LAG_MS: '300' });
    const erin = await signupUser(first);
    await replicaInUse(strict);
    await cluster.pauseReplay();
    try {
      // A write that concerns neither Erin nor anyone she talks to: only the lag bound can keep her off the replica.
      await sendMessage(first, alice, bob, 'the primary moves on');
      await eventually(() => expect(strict.app.get(ReplicaReads).status()[0].lagMs).toBeGreaterThan(300));
      const lagging = await fallbacks('replica_lagging');
      await strict.api().get('/chat').set(bearer(erin)).expect(200);
      expect(await fallbacks('replica_lagging')).toBe(lagging + 1);
    } finally {
      await cluster.resumeReplay();
    }
    await replicaInUse(strict);
    const before = await replicaReads();
    await strict.api().get('/chat').set(bearer(erin)).expect(200);
    expect(await replicaReads()).toBe(before + 1);
  });

  it('/sync never gives a cursor and then an older state: what it announced, the chat list and history show at once', async () => {
    // Bob syncs and reads on the instance that did not write; replay alternates paused and caught up.
    let cursor = (await syncFor(second, bob)).next_cursor;
    const announced = new Set<number>();
    try {
      for (let round = 0; round < 6; round += 1) {
        if (round % 2 === 0) await cluster.pauseReplay();
        else {
          await cluster.resumeReplay();
          await replicaInUse(second);
        }
        // A send, then its edit: an older state would show no message, or its first text.
        const sent = await sendMessage(first, alice, bob, `sync round ${round}`);
        const text = `sync round ${round}, edited`;
        await first.api().patch(`/messages/${sent.id}`).set(bearer(alice)).send({ message: text }).expect(200);
        const page = await syncFor(second, bob, cursor);
        expect(page.reset).toBe(false);
        // The edit is announced, and nothing announced before is announced again.
        const ids = page.messages.map((message) => message.id);
        expect(ids.filter((id) => announced.has(id))).toEqual([]);
        expect(page.messages).toEqual([expect.objectContaining({ id: sent.id, message: text })]);
        ids.forEach((id) => announced.add(id));
        const chat = page.chats.find((entry) => entry.user_id === alice.id);
        expect(chat).toMatchObject({ last_message: { id: sent.id, message: text } });
        // Read right after, wherever it is routed: never behind what /sync just said.
        const list = await second.api().get('/chat').set(bearer(bob)).expect(200);
        expect(list.body.chats.find((entry: { user_id: number }) => entry.user_id === alice.id)).toMatchObject({
          unread_count: chat?.unread_count,
          last_message: { id: sent.id, message: text },
        });
        expect((await history(second, bob, alice)).at(-1)).toMatchObject({ id: sent.id, message: text });
        cursor = page.next_cursor;
      }
      // Caught up: the same cursor again announces nothing.
      expect((await syncFor(second, bob, cursor)).messages).toEqual([]);
    } finally {
      await cluster.resumeReplay();
    }
  });

  it('a read the replica cancels for a recovery conflict (SQLSTATE 40001) runs again on the primary: 200, never 500', async () => {
    // The replica cancels a query in replay's way at once, instead of holding replay back for up to 30 s first.
    await cluster.onReplica('ALTER SYSTEM SET max_standby_streaming_delay = 0');
    await cluster.onReplica('SELECT pg_reload_conf()');
    const conflictsOnReplica = async () =>
      Number(
        (
          await cluster.onReplica<{ lock: string }>(
            "SELECT confl_lock AS lock FROM pg_stat_database_conflicts WHERE datname = 'postgres'",
          )
        ).lock,
      );
    const cancelledBefore = await conflictsOnReplica();
    await replicaInUse(first);
    await replicaInUse(second);
    const retried = await fallbacks('recovery_conflict');
    // Each transaction, replayed on the replica, takes an ACCESS EXCLUSIVE lock on messages: a history read that
    // holds its share lock there at that moment is cancelled "due to conflict with recovery".
    const locker = new pg.Client({ connectionString: cluster.primaryUrl });
    await locker.connect();
    const statuses: number[] = [];
    let running = true;
    const locking = (async () => {
      while (running) await locker.query('BEGIN; LOCK TABLE messages IN ACCESS EXCLUSIVE MODE; COMMIT');
    })();
    const readers = [first, second, first, second].map(async (app) => {
      while (running) statuses.push((await app.api().get(`/chat/${bob.id}`).set(bearer(alice))).status);
    });
    try {
      // Until the replica itself has cancelled a few: real cancellations by replay, whatever the app made of them.
      await eventually(async () => expect(await conflictsOnReplica()).toBeGreaterThan(cancelledBefore + 2), 30_000);
    } finally {
      running = false;
      await Promise.all([locking, ...readers]);
      await locker.end();
      await cluster.onReplica('ALTER SYSTEM RESET max_standby_streaming_delay');
      await cluster.onReplica('SELECT pg_reload_conf()');
    }
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(await fallbacks('recovery_conflict')).toBeGreaterThan(retried);
  }, 60_000);

  it('a replica killed mid-run: every request succeeds, from the primary, and readiness still answers 200', async () => {
    // An instance that polls once in a long while: after the kill it still sends reads to the dead replica, so
    // they fail there and are run again on the primary (a fast poller would mostly skip it first). Seen caught up
    // just after one of its polls, the kill comes seconds before its next.
    const slow = await instance({ REPLICA_POLL_INTERVAL_MS: '5000', REPLICA_MAX_LAG_MS: '60000' });
    await replicaInUse(slow, 15_000);
    const failed = await fallbacks('replica_error');
    const statuses: number[] = [];
    let running = true;
    const readers = [first, second, slow].map(async (app) => {
      while (running) {
        for (const path of ['/chat', `/chat/${bob.id}`, '/users']) {
          statuses.push((await app.api().get(path).set(bearer(alice))).status);
        }
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await cluster.killReplica();
    await new Promise((resolve) => setTimeout(resolve, 500));
    running = false;
    await Promise.all(readers);
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(await fallbacks('replica_error')).toBeGreaterThan(failed);
    // After the kill, the slow instance answers from the primary, with what the replica had.
    expect((await history(slow, alice, bob)).at(-1)).toMatchObject({ message: 'sync round 5, edited' });
    const ready = await first.api().get('/health/ready').expect(200);
    expect(ready.body.checks[`replica 127.0.0.1:${new URL(cluster.replicaUrl).port}/postgres`]).toMatch(/^down: /);
  }, 60_000);
});

describe('without DATABASE_REPLICA_URLS', () => {
  let plain: TestApp;

  beforeAll(async () => {
    plain = await createTestApp();
  });

  afterAll(async () => {
    await plain.close();
  });

  it('builds no replica set, and runs not one statement more (no WAL position read)', async () => {
    const reads = plain.app.get(ReplicaReads);
    expect(reads.configured).toBe(false);
    expect(reads.status()).toEqual([]);
    const alice = await signupUser(plain);
    const bob = await signupUser(plain);
    // Every query the app's pool receives from here on.
    const pool = poolOf(plain.app.get(DataSource));
    const seen: string[] = [];
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const config = args[0] as string | { name?: string; text: string };
      seen.push(typeof config === 'string' ? config : `${config.name ?? ''} ${config.text}`);
      return query(...args);
    };
    try {
      const sent = await sendMessage(plain, alice, bob, 'only the primary');
      await plain.api().patch(`/messages/${sent.id}`).set(bearer(alice)).send({ message: 'edited' }).expect(200);
      await plain.api().post(`/read/${alice.id}`).set(bearer(bob)).expect(200);
      await plain.api().post('/send_to_all').set(bearer(alice)).send({ message: 'everyone' }).expect(201);
      await plain.api().get('/chat').set(bearer(bob)).expect(200);
      await plain.api().get(`/chat/${alice.id}`).set(bearer(bob)).expect(200);
      await plain.api().get('/users').set(bearer(bob)).expect(200);
    } finally {
      (pool as unknown as { query: unknown }).query = query;
    }
    expect(seen.some((text) => text.startsWith('send '))).toBe(true); // the spy sees the app's statements
    expect(seen.some((text) => text.startsWith('list_chats '))).toBe(true);
    expect(seen.filter((text) => /primary_wal_position|pg_current_wal_lsn|replica_status/.test(text))).toEqual([]);
  });
});
