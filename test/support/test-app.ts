import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { App } from 'supertest/types.js';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
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

/** The real app, configured as main.ts does, on its own fresh database. */
export async function createTestApp(): Promise<TestApp> {
  const database = await createTestDatabase();
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forDatabase(database.url)] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: ['error', 'warn'] });
  configureApp(app);
  await app.init();
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
