/* The benchmark's own database: a fresh `parley_bench` on DATABASE_URL's server, or on an embedded PostgreSQL. */
import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres.js';

const DATABASE = 'parley_bench';

export interface BenchDatabase {
  url: string;
  stop: () => Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  let serverUrl = process.env.DATABASE_URL;
  let stop = () => Promise.resolve();
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres('.data/postgres-bench');
    serverUrl = embedded.url;
    stop = embedded.stop;
  }
  const admin = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();

  const url = withDatabase(serverUrl, DATABASE);
  const dataSource = new DataSource(dataSourceOptions(url, 1));
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  await dataSource.destroy();
  return { url, stop };
}
