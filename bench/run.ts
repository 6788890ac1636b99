/*
 * `npm run bench [-- --smoke | --messages N | --growth 10000,100000,1000000]`
 * Seeds a dataset, starts the built service against it, drives every endpoint
 * with wrk (autocannon where wrk is not installed) and the same SQL through a
 * bare pg Pool, and reports.
 */
import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { measureAttachments } from './attachments.js';
import { withCpu } from './cpu.js';
import { INCONSISTENT_CHATS_SQL } from '../src/chats/chat-consistency.js';
import { reportPgErrors } from '../src/database/pg-errors.js';
import { createBenchDatabase } from './database.js';
import type { LoadResult } from './load-types.js';
import { medianRound, runHttpLoad, runSqlLoad } from './load.js';
import { measureObservability } from './observability.js';
import { type BenchOptions, parseOptions } from './options.js';
import { type AfterIdleRow, type BenchReport, writeReport } from './report.js';
import { buildScenarios, CHANGEABLE_MESSAGES, type Scenario, type ScenarioKey } from './scenarios.js';
import { benchToken, changeableMessages, deepCursor, HOT_USER, insertUsers, seed } from './seed.js';
import { POOL_SIZE, serviceEnv } from './service-env.js';
import { type RunningService, startService } from './service.js';
import { measureReplica } from './replica.js';
import { measureSearchCost } from './search-cost.js';
import { type ReplicaCluster, startReplicaCluster } from '../test/support/replica-cluster.js';
import { measureFreshness, measureSearch, prepareSearch } from './search.js';

const SINGLE_SECONDS = 3;
/** Sends, one at a time, whose time until they are findable is measured. */
const SEARCH_FRESHNESS_SENDS = 200;

const log = (line: string) => console.log(`[bench] ${line}`);

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  log(`${label}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

async function broadcast(
  url: string,
  recipients: number,
): Promise<{ recipients: number; milliseconds: number; sent: number }> {
  const started = performance.now();
  const response = await fetch(`${url}/send_to_all`, {
    method: 'POST',
    headers: { authorization: `Bearer ${benchToken(HOT_USER)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ message: `broadcast to ${recipients}` }),
    signal: AbortSignal.timeout(120_000),
  });
  const milliseconds = performance.now() - started;
  if (!response.ok) throw new Error(`send_to_all answered ${response.status}`);
  const { sent } = (await response.json()) as { sent: number };
  return { recipients, milliseconds, sent };
}

async function medianOf(rounds: number, measure: () => Promise<LoadResult>): Promise<LoadResult> {
  const results: LoadResult[] = [];
  for (let round = 0; round < rounds; round++) results.push(await measure());
  return medianRound(results);
}

/**
 * Measures the service and its baseline in alternating rounds and keeps each one's median round, so a
 * change in the machine's state during the run (a checkpoint, autovacuum, a neighbour) lands on both.
 */
async function alternate(
  rounds: number,
  measure: {
    service: () => Promise<LoadResult>;
    baseline: () => Promise<LoadResult>;
    floor?: () => Promise<LoadResult>;
  },
): Promise<{ service: LoadResult; baseline: LoadResult; floor?: LoadResult }> {
  const service: LoadResult[] = [];
  const baseline: LoadResult[] = [];
  const floor: LoadResult[] = [];
  for (let round = 0; round < rounds; round++) {
    service.push(await measure.service());
    baseline.push(await measure.baseline());
    if (measure.floor) floor.push(await measure.floor());
  }
  return {
    service: medianRound(service),
    baseline: medianRound(baseline),
    ...(measure.floor ? { floor: medianRound(floor) } : {}),
  };
}

/** A few seconds of traffic first, so the figures are of a warm (JIT-compiled) service. */
async function warmUp(url: string, scenarios: Scenario[], options: BenchOptions): Promise<void> {
  for (const scenario of scenarios) await runHttpLoad(url, scenario.next, { ...options, durationSeconds: 1 });
}

async function growthCurve(
  options: BenchOptions,
  databaseUrl: string,
  storageDir: string,
  pool: pg.Pool,
  report: BenchReport,
): Promise<void> {
  const service = await startService(databaseUrl, serviceEnv(options, storageDir));
  try {
    for (const messages of options.growth ?? []) {
      await timed(`seed ${messages.toLocaleString('en')} messages`, () => seed(pool, { ...options, messages }));
      const { chatList, latestHistory: history } = buildScenarios({ ...options, deepCursor: '1', changeable: [] });
      await warmUp(service.url, [chatList, history], options);
      const chatListResult = await medianOf(options.rounds, () => runHttpLoad(service.url, chatList.next, options));
      const historyResult = await medianOf(options.rounds, () => runHttpLoad(service.url, history.next, options));
      // Milliseconds with decimals (autocannon rounds to whole ones): the query's own cost, without queueing.
      const single = { concurrency: 1, durationSeconds: SINGLE_SECONDS };
      const chatListSql = await runSqlLoad(pool, () => chatList.baseline(pool), single);
      const historySql = await runSqlLoad(pool, () => history.baseline(pool), single);
      report.growth.push({
        messages,
        chatListP50: chatListResult.p50,
        historyP50: historyResult.p50,
        chatListSqlP50: chatListSql.p50,
        historySqlP50: historySql.p50,
      });
      log(
        `${messages.toLocaleString('en')} messages: GET /chat p50 ${chatListResult.p50} ms, GET /chat/{id} p50 ${historyResult.p50} ms`,
      );
      // Last in the step: it adds the hot user's searchable history, which the rows above do not count.
      await prepareSearch(pool, log);
      const searchRows = await measureSearch(service.url, pool, options);
      report.search.push({ messages, rows: searchRows });
      for (const row of searchRows) {
        log(
          `search ${row.kind} (${row.q}): p50 ${row.single.p50} ms, p99 ${row.single.p99} ms, ${row.concurrent.requestsPerSecond.toFixed(0)} req/s`,
        );
      }
    }
  } finally {
    await service.stop();
  }
}

/** GET /current_user on the bare node:http server (bench/http-floor.ts) with the service's workers and pools. */
async function measureFloor(options: BenchOptions, floorUrl: string, currentUser: Scenario): Promise<LoadResult> {
  await runHttpLoad(floorUrl, currentUser.next, { ...options, durationSeconds: 1 });
  return await medianOf(options.rounds, () => runHttpLoad(floorUrl, currentUser.next, options));
}

/** The writes, measured against the write floor (the bare server's POST /send) in the same alternating rounds. */
const WRITE_ROWS: ScenarioKey[] = ['send', 'sendOneConversation'];

/**
 * The first second of load after the service sat idle, against the second just before: the pool's idle
 * connections, and what each had prepared, are what a lull can take away. One second's p99 is a handful of
 * requests, so this is done `rounds` times and the round with the median ratio is the row (every ratio is shown).
 */
async function measureAfterIdle(options: BenchOptions, serviceUrl: string, scenario: Scenario): Promise<AfterIdleRow> {
  const second = { ...options, durationSeconds: 1 };
  const rounds: { warm: LoadResult; afterIdle: LoadResult; ratio: number }[] = [];
  for (let round = 0; round < options.rounds; round++) {
    await runHttpLoad(serviceUrl, scenario.next, second);
    const warm = await runHttpLoad(serviceUrl, scenario.next, second);
    await new Promise((resolve) => setTimeout(resolve, options.idleSeconds * 1000));
    const afterIdle = await runHttpLoad(serviceUrl, scenario.next, second);
    log(`${scenario.name} after ${options.idleSeconds} s idle: p99 ${afterIdle.p99} ms (warm ${warm.p99} ms)`);
    rounds.push({ warm, afterIdle, ratio: afterIdle.p99 / warm.p99 });
  }
  const ratios = rounds.map((round) => round.ratio);
  const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor((rounds.length - 1) / 2)];
  return {
    endpoint: scenario.name,
    idleSeconds: options.idleSeconds,
    warm: median.warm,
    afterIdle: median.afterIdle,
    ratios,
  };
}

async function reportObservability(
  options: BenchOptions,
  storageDir: string,
  databaseUrl: string,
  scenarios: Record<ScenarioKey, Scenario>,
  report: BenchReport,
): Promise<void> {
  const observed = [scenarios.currentUser, scenarios.send];
  report.observability = await measureObservability(options, databaseUrl, observed, serviceEnv(options, storageDir));
  for (const row of report.observability) {
    log(
      `${row.endpoint} observability: off ${row.off.requestsPerSecond.toFixed(0)}, on ${row.on.requestsPerSecond.toFixed(0)}, ` +
        `on + access line ${row.onWithAccessLine.requestsPerSecond.toFixed(0)} req/s`,
    );
  }
}

async function reportSearchCost(
  options: BenchOptions,
  storageDir: string,
  databaseUrl: string,
  pool: pg.Pool,
  scenarios: Record<ScenarioKey, Scenario>,
  report: BenchReport,
): Promise<void> {
  const sends = [scenarios.send, scenarios.sendOneConversation];
  report.searchCost = await measureSearchCost(options, databaseUrl, pool, sends, serviceEnv(options, storageDir));
  for (const row of report.searchCost) {
    log(
      `${row.endpoint} search indexing: off ${row.off.requestsPerSecond.toFixed(0)}, on ${row.on.requestsPerSecond.toFixed(0)} req/s, ` +
        `indexer ${row.indexerCorePercent.toFixed(0)}% of a core`,
    );
  }
}

async function fullRun(
  options: BenchOptions,
  databaseUrl: string,
  storageDir: string,
  pool: pg.Pool,
  report: BenchReport,
  replica?: ReplicaCluster,
): Promise<void> {
  await timed('seed', () => seed(pool, options));
  const scenarios = buildScenarios({
    ...options,
    deepCursor: await deepCursor(pool),
    changeable: await changeableMessages(pool, CHANGEABLE_MESSAGES),
  });
  if (options.observabilityOnly) {
    await reportObservability(options, storageDir, databaseUrl, scenarios, report);
    return;
  }
  if (options.searchCostOnly) {
    await reportSearchCost(options, storageDir, databaseUrl, pool, scenarios, report);
    return;
  }
  if (replica) {
    await timed('replica catching up', () => replica.waitForReplay(600_000));
    const replicaUrl = new URL(databaseUrl);
    replicaUrl.port = new URL(replica.replicaUrl).port;
    const rows = [scenarios.chatList, scenarios.latestHistory, scenarios.activeUsers, scenarios.send];
    report.replica = await measureReplica(
      options,
      databaseUrl,
      replicaUrl.toString(),
      process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/10',
      rows,
      serviceEnv(options, storageDir),
    );
    for (const row of report.replica) {
      log(
        `${row.endpoint}: primary alone ${row.primaryAlone.requestsPerSecond.toFixed(0)}, with a replica ` +
          `${row.withReplica.requestsPerSecond.toFixed(0)} req/s` +
          (row.replicaShare === null ? '' : `, ${(100 * row.replicaShare).toFixed(0)}% of its reads on the replica`),
      );
    }
    return;
  }
  const service = await startService(databaseUrl, serviceEnv(options, storageDir));
  if (options.attachmentsOnly) {
    try {
      report.attachments = await measureAttachments(service, benchToken(HOT_USER), options, log);
    } finally {
      await service.stop();
    }
    return;
  }
  const floor = await startService(databaseUrl, serviceEnv(options, storageDir), 'dist-bench/bench/http-floor.js');
  try {
    const afterStart = service.rssMiB();
    const { currentUser, activeUsers, chatList, latestHistory, deepHistory } = scenarios;
    // Reads only: a warm-up of the writes would change the data the reads are then measured on.
    await warmUp(service.url, [currentUser, activeUsers, chatList, latestHistory, deepHistory], options);
    await warmUp(floor.url, [scenarios.send], options);
    const afterWarmUp = service.rssMiB();
    for (const [key, scenario] of Object.entries(scenarios) as [ScenarioKey, Scenario][]) {
      const write = WRITE_ROWS.includes(key);
      // The write rows also account for the CPU of each side (bench/cpu.ts): the send runs out of cores.
      const cpu = (measure: () => Promise<LoadResult>, server?: RunningService) =>
        write ? withCpu(measure, options.durationSeconds, server?.cpuSeconds) : measure();
      const measured = await alternate(options.rounds, {
        service: () => cpu(() => runHttpLoad(service.url, scenario.next, options), service),
        baseline: () => cpu(() => runSqlLoad(pool, () => scenario.baseline(pool), options)),
        ...(write ? { floor: () => cpu(() => runHttpLoad(floor.url, scenario.next, options), floor) } : {}),
      });
      const single = await runHttpLoad(service.url, scenario.next, {
        ...options,
        concurrency: 1,
        durationSeconds: SINGLE_SECONDS,
      });
      report.endpoints.push({ endpoint: scenario.name, ...measured, single });
      log(
        `${scenario.name}: ${measured.service.requestsPerSecond.toFixed(0)} req/s (baseline ${measured.baseline.requestsPerSecond.toFixed(0)}` +
          `${measured.floor ? `, write floor ${measured.floor.requestsPerSecond.toFixed(0)}` : ''}), p50 ${measured.service.p50} ms, non-2xx ${measured.service.failures}` +
          `${measured.baseline.failures > 0 ? `, baseline errors ${measured.baseline.failures}` : ''}`,
      );
    }
    for (const scenario of [chatList, scenarios.send]) {
      report.afterIdle.push(await measureAfterIdle(options, service.url, scenario));
    }
    report.rssMiB = { afterStart, afterWarmUp, afterRun: service.rssMiB() };
    // After every other row: the files it stores change nothing the rows above measure.
    report.attachments = await measureAttachments(service, benchToken(HOT_USER), options, log);
    report.searchFreshness = await measureFreshness(service.url, SEARCH_FRESHNESS_SENDS);
    log(
      `search: a sent message findable after p50 ${report.searchFreshness.p50.toFixed(1)} ms, p99 ${report.searchFreshness.p99.toFixed(1)} ms`,
    );
    report.floor = await measureFloor(options, floor.url, currentUser);
    await floor.stop();
    await reportObservability(options, storageDir, databaseUrl, scenarios, report);
    await reportSearchCost(options, storageDir, databaseUrl, pool, scenarios, report);
    for (const recipients of options.broadcastUsers) {
      const { rows } = await pool.query<{ max: number }>('SELECT max(id) AS max FROM users');
      if (rows[0].max < recipients + 1) await insertUsers(pool, rows[0].max + 1, recipients + 1, 'not a login');
      report.broadcasts.push(await broadcast(service.url, recipients));
      log(`send_to_all to ${recipients}: ${report.broadcasts.at(-1)?.milliseconds.toFixed(0)} ms`);
    }
  } finally {
    await service.stop();
    await floor.stop();
  }
  const { rows } = await pool.query<{ inconsistent: number }>(INCONSISTENT_CHATS_SQL);
  report.inconsistentChats = rows[0].inconsistent;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  // The replica mode's own primary and streaming replica, on loopback (they replace DATABASE_URL's server).
  const replica = options.replica ? await timed('primary and replica', () => startReplicaCluster()) : undefined;
  const database = await timed('database', () => createBenchDatabase(undefined, replica?.primaryUrl));
  const pool = reportPgErrors(new pg.Pool({ connectionString: database.url, max: POOL_SIZE }));
  const storageDir = await mkdtemp(join(tmpdir(), 'parley-bench-storage-'));
  const report: BenchReport = {
    when: new Date().toISOString(),
    dataset: {
      users: options.users,
      // The growth mode's sizes are in its table.
      ...(options.growth ? {} : { messages: options.messages }),
      'hot-user chats': options.hotChats,
      'hot chat messages': options.hotChatMessages,
    },
    settings: {
      concurrency: options.concurrency,
      'seconds per measurement': options.durationSeconds,
      'rounds (service and baseline alternating; medians)': options.rounds,
      'service workers': options.workers,
      'load generator': options.loadGenerator,
      'idle seconds before the after-idle second': options.idleSeconds,
    },
    endpoints: [],
    broadcasts: [],
    growth: [],
    search: [],
    searchFreshness: null,
    inconsistentChats: null,
    rssMiB: null,
    floor: null,
    afterIdle: [],
    observability: [],
    searchCost: [],
    replica: [],
    attachments: null,
  };
  try {
    if (options.growth) await growthCurve(options, database.url, storageDir, pool, report);
    else await fullRun(options, database.url, storageDir, pool, report, replica);
  } finally {
    await pool.end();
    await database.stop();
    await replica?.stop();
    await rm(storageDir, { recursive: true, force: true });
  }
  const name = options.smoke
    ? 'smoke'
    : options.growth
      ? 'growth'
      : options.observabilityOnly
        ? 'observability'
        : options.attachmentsOnly
          ? 'attachments'
          : options.searchCostOnly
            ? 'search-cost'
            : options.replica
              ? 'replica'
              : 'full';
  console.log(`\n${writeReport(report, name)}`);
  const failures =
    report.endpoints.reduce((sum, row) => sum + row.service.failures, 0) +
    // A baseline's error is a harness that measures the wrong thing (a write that changed nothing, a failed statement).
    report.endpoints.reduce((sum, row) => sum + row.baseline.failures, 0) +
    report.observability.reduce(
      (sum, row) => sum + row.off.failures + row.on.failures + row.onWithAccessLine.failures,
      0,
    ) +
    report.searchCost.reduce((sum, row) => sum + row.off.failures + row.on.failures, 0) +
    report.replica.reduce((sum, row) => sum + row.primaryAlone.failures + row.withReplica.failures, 0) +
    (report.attachments
      ? report.attachments.upload.failures +
        report.attachments.download.failures +
        report.attachments.memory.reduce((sum, row) => sum + row.failures, 0)
      : 0);
  if (failures > 0 || (report.inconsistentChats ?? 0) > 0) {
    console.error(
      `[bench] FAILED: ${failures} non-2xx answers or baseline errors, ${report.inconsistentChats} inconsistent chat rows`,
    );
    process.exit(1);
  }
}

void main();
