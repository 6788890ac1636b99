/*
 * Each e2e test file gets its own freshly migrated database on the run's
 * server (TEST_DATABASE_URL, DATABASE_URL, or the embedded one global setup
 * started), so files never see each other's rows (send_to_all reaches every
 * user) and can run in any order.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/data-source-options.js';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import { reportPgErrors } from '../../src/database/pg-errors.js';

function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) throw new Error('No test database: run e2e tests through `npm test`, which provides one');
  return url;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = reportPgErrors(new pg.Client({ connectionString: withDatabase(url, 'postgres') }));
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh database for one test file, with every migration applied unless `migrated` is false. */
export async function createTestDatabase({ migrated = true } = {}): Promise<TestDatabase> {
  const server = serverUrl();
  const name = `parley_e2e_${randomBytes(6).toString('hex')}`;
  await adminQuery(server, `CREATE DATABASE ${name}`);
  const url = withDatabase(server, name);
  const drop = () => adminQuery(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  if (!migrated) return { url, drop };
  const dataSource = new DataSource(dataSourceOptions(url, 1));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
  return { url, drop };
}

/**
 * An embedded PostgreSQL of one test file's own, in `dataDir`, emptied (the schema public and pg-boss's): for the
 * tests that stop and start their database, which the run's shared server must never be.
 */
export async function startOwnEmbeddedPostgres(dataDir: string): Promise<EmbeddedDatabase> {
  const database = await startEmbeddedPostgres(dataDir);
  const admin = reportPgErrors(new pg.Client({ connectionString: database.url }));
  await admin.connect();
  try {
    await admin.query('DROP SCHEMA IF EXISTS pgboss CASCADE; DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  } finally {
    await admin.end();
  }
  return database;
}
