/* One Parley HTTP server: the whole app on PORT, against the given database. */
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import { PrototypeStableExpressAdapter } from './common/express-adapter.js';
import { enabledLogLevels, type Environment } from './config/environment.js';
import { connectDatabase } from './database/database-connection.js';

export async function serve(env: Environment, databaseUrl: string, logger: Logger): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forDatabase(databaseUrl),
    new PrototypeStableExpressAdapter(),
    { bodyParser: false, logger: enabledLogLevels(env.LOG_LEVEL) },
  );
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
