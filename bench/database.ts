/* The benchmark's own database: a fresh `parley_bench` on DATABASE_URL's server, or on an embedded PostgreSQL. */
import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/data-source-options.js';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { reportPgErrors } from '../src/database/pg-errors.js';

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

/** `database`: a name of its own lets the realtime bench run beside the REST one. */
/** `server`: a server of the run's own (the replica mode's primary) instead of DATABASE_URL's. */
export async function createBenchDatabase(
  database = DATABASE,
  server: string | undefined = process.env.DATABASE_URL,
): Promise<BenchDatabase> {
  let serverUrl = server;
  let stop = () => Promise.resolve();
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres('.data/postgres-bench');
    serverUrl = embedded.url;
    stop = embedded.stop;
  }
  const admin = reportPgErrors(new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') }));
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();

  const url = withDatabase(serverUrl, database);
  const dataSource = new DataSource(dataSourceOptions(url, 1));
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  await dataSource.destroy();
  return { url, stop };
}
