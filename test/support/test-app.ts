import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { App } from 'supertest/types.js';
import request from 'supertest';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface TestApp {
  app: NestExpressApplication;
  http: App;
  /** A supertest request builder against the app. */
  api: () => ReturnType<typeof request>;
  database: TestDatabase;
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
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
