/*
 * WEB_CONCURRENCY > 1: this (primary) process starts that many workers, each
 * a whole Parley serving the same port through node:cluster, since one
 * Node.js thread saturates long before the database does. The primary
 * serves no requests. It keeps the in-memory rate-limit counters for all
 * workers (so limits stay per user, not per worker, without Redis), relays
 * live events between the workers' sockets (without Redis; only to workers
 * with a socket in the event's rooms), replaces a
 * worker that dies, and on SIGTERM passes the signal on and exits 0 once every
 * worker has drained. With METRICS_PORT it serves the metrics of all workers.
 */
import { Logger } from '@nestjs/common';
import cluster from 'node:cluster';
import { RateLimiterClusterMaster } from 'rate-limiter-flexible';
import { relayBetweenWorkers } from './realtime/worker-rooms.js';

const RESTART_DELAY_MS = 1_000;

export async function runWorkers(count: number, env: Record<string, string>, metricsPort?: number): Promise<void> {
  const logger = new Logger('Workers');
  if (metricsPort) {
    // One scrape for the whole instance: the primary asks every worker for its metrics (AggregatorRegistry).
    const { serveMetrics } = await import('./observability/metrics.js');
    await serveMetrics(metricsPort, { aggregate: true });
    logger.log(`Metrics of all workers on http://localhost:${metricsPort}/metrics`);
  }
  new RateLimiterClusterMaster();
  // Relays socket events between workers when there is no Redis, to the workers whose sockets they concern.
  relayBetweenWorkers();
  let stopping = false;
  // A worker leaves cluster.workers only once it has both exited and disconnected, in either order: at the last
  // 'exit' it may still be listed, and no event would come to end on. Whether each one has exited is what counts.
  const exitOnceNoWorkerIsLeft = () =>
    Object.values(cluster.workers ?? {}).every((worker) => !worker || worker.isDead()) && process.exit(0);

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return exitOnceNoWorkerIsLeft();
    logger.error(`Worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    // Not once stopping began meanwhile: a worker forked then would keep the primary from ever exiting.
    setTimeout(() => stopping || cluster.fork(env), RESTART_DELAY_MS);
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      stopping = true;
      logger.log(`${signal}: letting ${count} workers finish their requests`);
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
      // No worker alive (one died and its replacement is not forked yet): no exit event will come to end on.
      exitOnceNoWorkerIsLeft();
    });
  }
  for (let i = 0; i < count; i++) cluster.fork(env);
  logger.log(`Started ${count} workers`);
}
