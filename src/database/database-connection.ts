/*
 * Connecting at boot, retrying with backoff for as long as it takes: a database
 * that is down at start (or still starting, as in docker compose) is logged on
 * every attempt, /health answers 503 meanwhile, and requests get 503 rather than
 * a crash-looping process. A single process listens at once; a cluster worker
 * listens once connected, or after a bound if the database is down (server.ts).
 */
import { Logger } from '@nestjs/common';
import { type DataSource, type Migration, MigrationExecutor } from 'typeorm';
import { poolOf } from './prepared-statements.js';

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 15_000;
// Any fixed key: pg_advisory_lock serializes whoever migrates this database.
const MIGRATION_LOCK_KEY = 7_261_627;

/**
 * Workers (WEB_CONCURRENCY) and instances start together: one applies the
 * pending migrations while the others wait on the lock, then find none left.
 */
async function migrateExclusively(dataSource: DataSource): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = 'each';
    return await executor.executePendingMigrations();
  } finally {
    // Releasing the connection would keep a session lock alive in the pool; unlock first.
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}

/**
 * Opens the pool's `min` connections now, before traffic: otherwise the first requests after a start (a
 * deploy, a restarted worker) each wait for a connection of their own while the load is already on.
 */
async function openPool(dataSource: DataSource): Promise<void> {
  const pool = poolOf(dataSource);
  const clients = await Promise.all(Array.from({ length: pool.options.min ?? 0 }, () => pool.connect()));
  for (const client of clients) client.release();
}

/** Initializes the DataSource and applies pending migrations (unless `migrate` is false), retrying until both succeed. */
export async function connectDatabase(
  dataSource: DataSource,
  logger = new Logger('Database'),
  { migrate = true } = {},
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      if (!dataSource.isInitialized) await dataSource.initialize();
      await openPool(dataSource);
      if (!migrate) {
        logger.log('Connected; migrations left to a separate job (MIGRATIONS_RUN=false)');
        return;
      }
      const applied = await migrateExclusively(dataSource);
      logger.log(`Connected; migrations applied now: ${applied.length}`);
      return;
    } catch (error) {
      const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (attempt - 1));
      logger.warn(
        `Attempt ${attempt} failed (${error instanceof Error ? error.message : String(error)}); retrying in ${delay} ms`,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** Whether every migration of the build is applied: read only, unlike TypeORM's pending check, which creates its table. */
export async function allMigrationsApplied(dataSource: DataSource): Promise<boolean> {
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  const [{ exists }] = await dataSource.query<{ exists: boolean }[]>('SELECT to_regclass($1) IS NOT NULL AS exists', [
    table,
  ]);
  if (!exists) return false;
  const rows = await dataSource.query<{ name: string }[]>(`SELECT name FROM "${table}"`);
  const applied = new Set(rows.map((row) => row.name));
  return dataSource.migrations.every((migration) => migration.name !== undefined && applied.has(migration.name));
}
