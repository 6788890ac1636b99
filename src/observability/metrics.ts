/*
 * Prometheus metrics (prom-client), only when METRICS_PORT is set: the module
 * is imported dynamically then, so with metrics off not even prom-client is
 * loaded. They are served on their own port, never the API's, so they are not
 * exposed wherever the API is. With WEB_CONCURRENCY > 1 each worker collects
 * into prom-client's global registry and the primary answers the scrape with
 * AggregatorRegistry, which asks every worker over the cluster channel, so one
 * scrape sees the whole instance.
 */
import cluster from 'node:cluster';
import { createServer, type Server } from 'node:http';
import type pg from 'pg';
import * as prom from 'prom-client';
import type { QueueDepth } from '../queue/job-queue.js';
import { observers } from './hooks.js';

// Seconds; from a cached token lookup (~1 ms) to the 10 s request timeout.
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const STATEMENT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

export interface WorkerMetrics {
  observeHttp: (method: string, route: string, status: number, seconds: number) => void;
  /** Pool gauges read at scrape time from whatever pool `pool()` returns (none before the database connects). */
  watchPool: (pool: () => pg.Pool | undefined) => void;
  /** The connected-sockets gauge, read at scrape time (summed over the workers by the primary). */
  watchSockets: (count: () => number) => void;
  /** The job queue's depths, read at scrape time; undefined while the queue is off. */
  watchQueue: (depths: () => Promise<QueueDepth[]> | undefined) => void;
  /** Each replica's state, read at scrape time; empty without DATABASE_REPLICA_URLS. */
  watchReplicas: (status: () => ReplicaGauge[]) => void;
}

/** What the replica gauges read of one replica (src/database/replicas: ReplicaStatus). */
interface ReplicaGauge {
  name: string;
  up: boolean;
  /** At most this far behind the primary; undefined while unknown. */
  lagMs?: number;
}

/**
 * prom-client's default process metrics (lib/defaultMetrics.js of the pinned 15.1.3) but one: `gc`, the GC
 * duration histogram. With all of them GET /current_user kept only 78-87% of its throughput in the benchmark,
 * and the GC observer is the one that runs JavaScript after every collection, between scrapes; without it,
 * 93% (docs/performance.md). Heap sizes and event-loop lag stay.
 */
const PROCESS_METRICS = [
  'processCpuTotal',
  'processStartTime',
  'osMemoryHeap',
  'processOpenFileDescriptors',
  'processMaxFileDescriptors',
  'eventLoopLag',
  'processResources',
  'processHandles',
  'processRequests',
  'heapSizeAndUsed',
  'heapSpacesSizeAndUsed',
  'version',
];

type DefaultMetric = (registry: prom.Registry | undefined, config: Record<string, unknown>) => void;

async function collectProcessMetrics(): Promise<void> {
  for (const name of PROCESS_METRICS) {
    const metric = (await import(`prom-client/lib/metrics/${name}.js`)) as { default: DefaultMetric };
    metric.default(undefined, { eventLoopMonitoringPrecision: 10 });
  }
}

/** Registers this process's metrics in the global registry and connects the hooks that feed them. */
export async function collectMetrics(): Promise<WorkerMetrics> {
  // In a worker, constructing one installs prom-client's answer to the primary's requests for metrics.
  if (cluster.isWorker) new prom.AggregatorRegistry();
  await collectProcessMetrics();
  const http = new prom.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
  });
  const statements = new prom.Histogram({
    name: 'db_statement_duration_seconds',
    help: 'Prepared statements by name',
    labelNames: ['statement'] as const,
    buckets: STATEMENT_BUCKETS,
  });
  const rejections = new prom.Counter({
    name: 'rate_limit_rejections_total',
    help: 'Requests refused with 429, by limit group',
    labelNames: ['group'] as const,
  });
  // One series per process: a scrape through the primary shows which workers answered it.
  new prom.Gauge({
    name: 'parley_process_info',
    help: 'One per Parley process answering',
    labelNames: ['pid'] as const,
  })
    .labels({ pid: String(process.pid) })
    .set(1);
  observers.statement = (name, seconds) => statements.observe({ statement: name }, seconds);
  observers.rateLimited = (group) => rejections.inc({ group });
  let pool: () => pg.Pool | undefined = () => undefined;
  new prom.Gauge({
    name: 'db_pool_connections_in_use',
    help: 'Connections of the pool running a query',
    collect() {
      const current = pool();
      this.set(current ? current.totalCount - current.idleCount : 0);
    },
  });
  new prom.Gauge({
    name: 'db_pool_waiting_requests',
    help: 'Queries waiting for a free connection of the pool',
    collect() {
      this.set(pool()?.waitingCount ?? 0);
    },
  });
  let sockets = () => 0;
  new prom.Gauge({
    name: 'realtime_sockets_connected',
    help: 'Live (Socket.IO) connections open',
    collect() {
      this.set(sockets());
    },
  });
  const deliveries = new prom.Counter({
    name: 'parley_notification_deliveries_total',
    help: 'Push and webhook delivery attempts by outcome (delivered, failed, gone, retry, rejected, skipped_*)',
    labelNames: ['channel', 'outcome'] as const,
  });
  observers.delivery = (channel, outcome) => deliveries.inc({ channel, outcome });
  const reads = new prom.Counter({
    name: 'db_reads_total',
    help: 'Reads that may use a replica (DATABASE_REPLICA_URLS), by where they ran: primary or replica',
    labelNames: ['target'] as const,
  });
  const fallbacks = new prom.Counter({
    name: 'db_read_fallbacks_total',
    help: 'Such reads run on the primary, by reason (replica_down, replica_lagging, behind_position, position_unknown, recovery_conflict, replica_error)',
    labelNames: ['reason'] as const,
  });
  observers.read = (target) => reads.inc({ target });
  observers.readFallback = (reason) => fallbacks.inc({ reason });
  let replicas: () => ReplicaGauge[] = () => [];
  // Every worker polls the same replicas: the primary keeps the worst figure, not their sum.
  new prom.Gauge({
    name: 'db_replica_lag_seconds',
    help: 'How far each replica is behind the primary, at most (absent while unknown: down or not yet compared)',
    labelNames: ['replica'] as const,
    aggregator: 'max',
    collect() {
      this.reset();
      for (const replica of replicas()) {
        if (replica.lagMs !== undefined) this.set({ replica: replica.name }, replica.lagMs / 1000);
      }
    },
  });
  new prom.Gauge({
    name: 'db_replica_up',
    help: '1 while a replica answers its polls and is in recovery, 0 while it is skipped',
    labelNames: ['replica'] as const,
    aggregator: 'min',
    collect() {
      for (const replica of replicas()) this.set({ replica: replica.name }, replica.up ? 1 : 0);
    },
  });
  let queue: () => Promise<QueueDepth[]> | undefined = () => undefined;
  // Both queue gauges are collected in one scrape: they share one read of the queue, not one each.
  let scrape: { at: number; depths: Promise<QueueDepth[]> } | undefined;
  const queueDepths = async (): Promise<QueueDepth[]> => {
    if (!scrape || Date.now() - scrape.at > 1_000) scrape = { at: Date.now(), depths: queue() ?? Promise.resolve([]) };
    return scrape.depths;
  };
  // Every worker reads the same shared queue: the primary keeps one worker's figure (max), not their sum.
  new prom.Gauge({
    name: 'parley_queue_jobs',
    help: 'Jobs in the durable queue by queue and state (queued includes deferred retries; failed: retries exhausted)',
    labelNames: ['queue', 'state'] as const,
    aggregator: 'max',
    async collect() {
      for (const depth of await queueDepths()) {
        this.set({ queue: depth.name, state: 'queued' }, depth.queued);
        this.set({ queue: depth.name, state: 'active' }, depth.active);
        this.set({ queue: depth.name, state: 'failed' }, depth.failed);
      }
    },
  });
  new prom.Gauge({
    name: 'parley_queue_oldest_pending_seconds',
    help: 'How long the oldest job that is due has waited, by queue (0: none waiting)',
    labelNames: ['queue'] as const,
    aggregator: 'max',
    async collect() {
      for (const depth of await queueDepths()) this.set({ queue: depth.name }, depth.oldestReadySeconds ?? 0);
    },
  });
  return {
    observeHttp: (method, route, status, seconds) => http.observe({ method, route, status }, seconds),
    watchPool: (source) => (pool = source),
    watchSockets: (count) => (sockets = count),
    watchQueue: (depths) => (queue = depths),
    watchReplicas: (status) => (replicas = status),
  };
}

/** Serves GET /metrics on `port` from this process's registry, or with `aggregate` from every worker's. */
export function serveMetrics(port: number, options: { aggregate: boolean }): Promise<Server> {
  const aggregator = options.aggregate ? new prom.AggregatorRegistry() : undefined;
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    const text = aggregator ? aggregator.clusterMetrics() : prom.register.metrics();
    text.then(
      (body) => response.writeHead(200, { 'content-type': prom.register.contentType }).end(body),
      (error: unknown) => response.writeHead(500).end(`metrics unavailable: ${String(error)}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}
