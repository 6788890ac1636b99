/*
 * Warming an instance's connections before it takes traffic. On a new connection PostgreSQL has parsed and planned
 * none of the named statements, so the first requests of a new instance (a deploy, a scale-out, a restarted worker)
 * each paid for that on top of their own work, while the load was already on: issue 18 measured the first second
 * of sends at several times the steady p99 (docs/performance.md, "Live updates").
 *
 * Each statement runs once on every pooled connection, with every parameter NULL, inside a READ ONLY transaction
 * that is rolled back. PostgreSQL parses it (pg then counts it as prepared on that connection; a prepared statement
 * outlives the rollback) and plans it; a write fails the read-only check when its execution starts, before it reads
 * a row, draws an id or takes a lock. So a warm-up cannot change data, whatever the statement.
 */
import type { Logger } from '@nestjs/common';
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { observers } from '../observability/hooks.js';
import { allMigrationsApplied } from './database-connection.js';
import { poolOf, type PreparedStatement, registeredStatements } from './prepared-statements.js';

/** A statement that a NULL makes slow (a LIMIT NULL is no limit) gives up rather than holding the start. */
const STATEMENT_TIMEOUT_MS = 500;

function parameterCount(text: string): number {
  return Math.max(0, ...[...text.matchAll(/\$(\d+)/g)].map((match) => Number(match[1])));
}

async function warmConnection(
  client: pg.PoolClient,
  statements: readonly PreparedStatement<unknown, readonly unknown[]>[],
): Promise<void> {
  for (const statement of statements) {
    await client.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${STATEMENT_TIMEOUT_MS}`);
    try {
      const values = new Array<null>(parameterCount(statement.text)).fill(null);
      await client.query({ name: statement.name, text: statement.text, values });
    } catch {
      // Expected for every write ("cannot execute ... in a read-only transaction"): it was parsed and planned.
    } finally {
      await client.query('ROLLBACK');
    }
  }
}

/**
 * Prepares `statements` on each of the pool's open connections (all held at once, so each is a different one),
 * and logs how long it took. A connection that fails is destroyed: the pool opens a new one on demand.
 */
export async function warmPool(
  pool: pg.Pool,
  statements: readonly PreparedStatement<unknown, readonly unknown[]>[],
  logger: Logger,
): Promise<void> {
  const started = performance.now();
  const clients = await Promise.all(Array.from({ length: pool.options.min ?? 0 }, () => pool.connect()));
  const results = await Promise.allSettled(clients.map((client) => warmConnection(client, statements)));
  results.forEach((result, index) => clients[index].release(result.status === 'rejected'));
  const failed = results.filter((result) => result.status === 'rejected').length;
  logger.log(
    `Warmed ${clients.length - failed} of ${clients.length} connections with ${statements.length} statements ` +
      `in ${Math.round(performance.now() - started)} ms`,
  );
}

/**
 * What a starting process warms: every statement its modules declared, on its pool, untraced (thousands of root
 * spans otherwise). Skipped while migrations are pending (MIGRATIONS_RUN=false, the job not run yet): before the
 * tables exist no statement can be prepared.
 */
export async function warmInstance(dataSource: DataSource, logger: Logger): Promise<void> {
  if (!(await allMigrationsApplied(dataSource))) return logger.log('Not warmed: migrations pending');
  const warm = () => warmPool(poolOf(dataSource), registeredStatements(), logger);
  return observers.untraced ? observers.untraced(warm) : warm();
}
