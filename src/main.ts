/*
 * Entry point. Resolves the database (DATABASE_URL or an embedded server),
 * then serves HTTP in this process, or with WEB_CONCURRENCY > 1 becomes the
 * primary of that many workers. The app itself is imported only where it
 * serves, so a primary stays small.
 */
import './heap-flags.js';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import cluster from 'node:cluster';
import { type Environment, validateEnvironment } from './config/environment.js';
import { embeddedPostgresFailure } from './database/embedded-postgres-errors.js';
import { createLogger } from './observability/logger.js';
import { runWorkers } from './workers.js';

/** DATABASE_URL, or an embedded PostgreSQL this process starts (and stops on exit). */
async function resolveDatabaseUrl(env: Environment, logger: Logger): Promise<string> {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  logger.log(`DATABASE_URL is not set; starting embedded PostgreSQL in ${env.EMBEDDED_PG_DIR}`);
  try {
    // Imported only here: embedded-postgres installs exit hooks of its own, unwanted with a real DATABASE_URL,
    // and it is a dev dependency, absent from the production image.
    const { startEmbeddedPostgres } = await import('./database/embedded-postgres.js');
    const embedded = await startEmbeddedPostgres(env.EMBEDDED_PG_DIR);
    process.once('exit', () => void embedded.stop());
    return embedded.url;
  } catch (error) {
    throw embeddedPostgresFailure(error, env.EMBEDDED_PG_DIR);
  }
}

/**
 * Web Push's keys: the environment's; else, with the embedded database, a pair kept with its data; else push is
 * off, said once here. Set in process.env before the app or any worker starts, so all of them sign alike.
 */
async function resolveVapidKeys(env: Environment, logger: Logger): Promise<void> {
  if (env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY) return;
  if (env.DATABASE_URL) {
    logger.log('Web Push is off: set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY to turn it on (docs/operations.md)');
    return;
  }
  const { embeddedVapidKeys } = await import('./notifications/push/vapid-key-file.js');
  const { keys, file, created } = await embeddedVapidKeys(env.EMBEDDED_PG_DIR);
  if (created) logger.log(`Generated a VAPID key pair for Web Push in ${file}`);
  process.env.VAPID_PUBLIC_KEY = env.VAPID_PUBLIC_KEY = keys.publicKey;
  process.env.VAPID_PRIVATE_KEY = env.VAPID_PRIVATE_KEY = keys.privateKey;
}

async function bootstrap(): Promise<void> {
  const env = validateEnvironment(process.env);
  Logger.overrideLogger(createLogger(env));
  const logger = new Logger(cluster.isWorker ? `Worker ${process.pid}` : 'Bootstrap');
  // A graceful exit (server.ts) exports the spans still buffered last, or each deploy would lose its final seconds.
  let flushTracing: (() => Promise<void>) | undefined;
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) {
    const { startTracing } = await import('./observability/tracing.js');
    flushTracing = await startTracing(env.OTEL_EXPORTER_OTLP_ENDPOINT, logger);
  }
  // A worker's DATABASE_URL is set by its primary.
  const databaseUrl = cluster.isWorker ? (env.DATABASE_URL as string) : await resolveDatabaseUrl(env, logger);
  if (cluster.isPrimary) await resolveVapidKeys(env, logger);
  if (cluster.isPrimary && env.WEB_CONCURRENCY > 1) {
    return runWorkers(env.WEB_CONCURRENCY, { DATABASE_URL: databaseUrl }, env.METRICS_PORT);
  }
  const { serve } = await import('./server.js');
  return serve(env, databaseUrl, logger, flushTracing);
}

// What stops the start is said in one sentence, not a stack trace: a wrong setting, or an environment to fix.
bootstrap().catch((error: unknown) => {
  new Logger('Bootstrap').fatal(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
