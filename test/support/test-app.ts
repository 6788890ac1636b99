import type { NestExpressApplication } from '@nestjs/platform-express';
import type { App } from 'supertest/types.js';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.setup.js';
import { connectDatabase } from '../../src/database/database-connection.js';
import { Notifications } from '../../src/notifications/notifications.service.js';
import { AttachmentSweeps } from '../../src/attachments/attachment-sweeps.js';
import { SearchIndexer } from '../../src/search/search-indexer.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface TestApp {
  app: NestExpressApplication;
  http: App;
  /** A supertest request builder against the app. */
  api: () => ReturnType<typeof request>;
  database: TestDatabase;
  /** Raw SQL on the app's database, for arranging state and checking what was stored. */
  query<T = Record<string, any>>(sql: string, parameters?: unknown[]): Promise<T[]>; // eslint-disable-line @typescript-eslint/no-explicit-any -- rows are asserted on, not typed
  close(): Promise<void>;
}

/** Runs `build` with these environment variables set, then restores the environment. */
async function withEnv<T>(env: Record<string, string>, build: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  try {
    return await build();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** The real app, configured as main.ts does, on its own fresh database; `env` overrides configuration. */
export async function createTestApp(
  options: { env?: Record<string, string>; database?: TestDatabase } = {},
): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const app = await withEnv(options.env ?? {}, () => createApp(database.url, { logger: ['error', 'warn'] }));
  await app.init();
  await connectDatabase(app.get(DataSource));
  await app.get(Notifications).start();
  await app.get(AttachmentSweeps).start();
  app.get(SearchIndexer).start();
  const http = app.getHttpServer() as App;
  return {
    app,
    http,
    api: () => request(http),
    database,
    query: (sql, parameters) => app.get(DataSource).query(sql, parameters),
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
