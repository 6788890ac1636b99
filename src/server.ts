/* One Parley HTTP server: the whole app on PORT, against the given database. */
import { Logger } from '@nestjs/common';
import cluster from 'node:cluster';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { createApp } from './app.setup.js';
import type { PrototypeStableExpressAdapter } from './common/express-adapter.js';
import type { Environment } from './config/environment.js';
import { connectDatabase } from './database/database-connection.js';
import { PreparedStatements } from './database/prepared-statements.js';
import { warmInstance } from './database/warm-up.js';
import { ReplicaReads } from './database/replicas/replica-reads.js';
import { Readiness } from './health/readiness.js';
import { createLogger } from './observability/logger.js';
import { Notifications } from './notifications/notifications.service.js';
import { AttachmentSweeps } from './attachments/attachment-sweeps.js';
import { SearchIndexer } from './search/search-indexer.js';
import { JobQueue } from './queue/job-queue.js';
import { RealtimeGateway } from './realtime/realtime.gateway.js';

/** How long a cluster worker waits for its database before it listens anyway (below). */
const WORKER_CONNECT_BEFORE_LISTEN_MS = 10_000;

/** `beforeExit`: awaited after the app has closed, before a graceful exit (tracing's last spans). */
export async function serve(
  env: Environment,
  databaseUrl: string,
  logger: Logger,
  beforeExit?: () => Promise<void>,
): Promise<void> {
  // Only with METRICS_PORT: otherwise prom-client is never loaded.
  const metricsModule = env.METRICS_PORT ? await import('./observability/metrics.js') : undefined;
  const metrics = metricsModule ? await metricsModule.collectMetrics() : undefined;
  const app = await createApp(databaseUrl, { logger: createLogger(env), observeDuration: metrics?.observeHttp });
  if (metrics) {
    const statements = app.get(PreparedStatements);
    metrics.watchPool(() => statements.currentPool());
    const replicaReads = app.get(ReplicaReads);
    metrics.watchReplicas(() => replicaReads.status());
    const gateway = app.get(RealtimeGateway);
    metrics.watchSockets(() => gateway.server?.engine.clientsCount ?? 0);
    const queue = app.get(JobQueue);
    metrics.watchQueue(() => (queue.state === 'running' ? queue.depths() : undefined));
    // A worker's metrics are served by its primary (workers.ts), which aggregates them all.
    if (!cluster.isWorker) {
      await metricsModule?.serveMetrics(env.METRICS_PORT as number, { aggregate: false });
      logger.log(`Metrics on http://localhost:${env.METRICS_PORT}/metrics`);
    }
  }
  // Graceful stop: readiness fails at once (balancers stop sending), then after SHUTDOWN_DELAY_MS stop
  // accepting, let in-flight requests finish, close the pool, exit 0.
  // (Nest's enableShutdownHooks would re-raise the signal, so the exit status would not be 0.)
  // A second signal (a process group's, then the primary's) must not cut the drain short.
  let closing = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (closing) return;
      closing = true;
      app.get(Readiness).startDraining();
      logger.log(`${signal}: not ready; closing in ${env.SHUTDOWN_DELAY_MS} ms after in-flight requests finish`);
      setTimeout(() => {
        // Keep-alive connections outlive their last response by KEEP_ALIVE_TIMEOUT_MS (65 s): close each as it
        // goes idle, or the close would wait for them.
        const adapter = app.getHttpAdapter() as PrototypeStableExpressAdapter;
        setInterval(() => adapter.closeUnusedConnections(), 100).unref();
        void app.close().then(async () => {
          await beforeExit?.().catch((error: unknown) =>
            logger.warn(`Before exit: ${error instanceof Error ? error.message : String(error)}`),
          );
          process.exit(0);
        });
      }, env.SHUTDOWN_DELAY_MS);
    });
  }
  const connected = connectDatabase(app.get(DataSource), undefined, { migrate: env.MIGRATIONS_RUN === 'true' });
  // Not ready until every pooled connection has prepared the statements: the first requests of a new instance
  // would otherwise each plan their statements under load (warm-up.ts).
  const readiness = app.get(Readiness);
  readiness.warmingUp = true;
  const warmed = connected
    .then(() => warmInstance(app.get(DataSource), new Logger('Database')))
    .catch((error: unknown) => logger.warn(`Warm-up: ${error instanceof Error ? error.message : String(error)}`))
    .finally(() => (readiness.warmingUp = false));
  if (cluster.isWorker) {
    // The primary hands each new connection to the next listening worker, so a worker listening before it has its
    // database answers its share 503 while its siblings could serve them (the bench saw 22 of the first 900 sends
    // so). It listens once connected and warmed; if the database is down at boot, after WORKER_CONNECT_BEFORE_LISTEN_MS
    // anyway, to answer /health and 503 rather than refuse connections (a single process always listens first).
    await Promise.race([warmed, sleep(WORKER_CONNECT_BEFORE_LISTEN_MS, undefined, { ref: false })]);
  }
  await app.listen(env.PORT);
  // Above a balancer's idle timeout, so the balancer never reuses a connection Parley has just closed.
  const server = app.getHttpServer();
  server.keepAliveTimeout = env.KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = env.HEADERS_TIMEOUT_MS;
  logger.log(`Parley listening on http://localhost:${env.PORT} (docs at /docs)`);
  await warmed;
  await app.get(Notifications).start();
  await app.get(AttachmentSweeps).start();
  app.get(SearchIndexer).start();
}
