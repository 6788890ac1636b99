/*
 * The hot queries run as named prepared statements on TypeORM's own pg pool.
 * PostgreSQL then parses and plans each one once per connection instead of on
 * every call: on the benchmark machine that alone more than doubles what the
 * token lookup sustains (docs/performance.md). TypeORM keeps the schema, the
 * migrations and the pool; every query the service runs goes through here.
 */
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type pg from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { observers } from '../observability/hooks.js';

/**
 * A named statement that declares, once beside its SQL, the row it returns and
 * the parameters it takes ($1, $2, … in order), so no call site casts.
 */
export interface PreparedStatement<Row, Params extends readonly unknown[]> {
  readonly name: string;
  readonly text: string;
  /** Never set: carries Row and Params for the type checker only. */
  readonly types?: { row: Row; params: Params };
}

/** Every statement made by prepared(), by name: what a new connection is warmed with (warm-up.ts). */
const registered = new Map<string, PreparedStatement<unknown, readonly unknown[]>>();

/** The name must be unique: pg prepares the statement once per connection under it. */
export function prepared<Row, Params extends readonly unknown[]>(
  name: string,
  text: string,
): PreparedStatement<Row, Params> {
  const statement = { name, text };
  registered.set(name, statement);
  return statement;
}

/** The statements the modules loaded so far have declared. */
export function registeredStatements(): PreparedStatement<unknown, readonly unknown[]>[] {
  return [...registered.values()];
}

/** Runs a statement on a pg pool (or one client of it) under its name: the one way the service, and the benchmark's baseline, run them. */
export async function runPrepared<Row, Params extends readonly unknown[]>(
  pool: pg.Pool | pg.PoolClient,
  statement: PreparedStatement<Row, Params>,
  values: Params,
): Promise<Row[]> {
  // The one choke point every hot statement passes: timed here when metrics are on (METRICS_PORT).
  const observe = observers.statement;
  const started = observe ? performance.now() : 0;
  try {
    const result = await pool.query({ name: statement.name, text: statement.text, values: [...values] });
    // The one unchecked step: the statement's declared Row is the contract for what its SQL selects.
    return result.rows as Row[];
  } finally {
    observe?.(statement.name, (performance.now() - started) / 1000);
  }
}

/**
 * TypeORM's pg pool. `driver.master` is not public API:
 * test/database/prepared-statements.e2e-spec.ts fails loudly if a TypeORM upgrade moves it.
 */
export function poolOf(dataSource: DataSource): pg.Pool {
  return (dataSource.driver as PostgresDriver).master as pg.Pool;
}

/** What runs statements: the pool, or the one connection of a transaction. */
export interface StatementRunner {
  rows<Row, Params extends readonly unknown[]>(
    statement: PreparedStatement<Row, Params>,
    values: Params,
  ): Promise<Row[]>;
}

/** A transaction's statements, and its connection for a library that writes in the same transaction (the job queue). */
export interface TransactionRunner extends StatementRunner {
  readonly client: pg.PoolClient;
}

@Injectable()
export class PreparedStatements implements StatementRunner {
  private readonly logger = new Logger(PreparedStatements.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  rows<Row, Params extends readonly unknown[]>(
    statement: PreparedStatement<Row, Params>,
    values: Params,
  ): Promise<Row[]> {
    return runPrepared(this.pool(), statement, values);
  }

  /** The first row, or undefined. */
  async row<Row, Params extends readonly unknown[]>(
    statement: PreparedStatement<Row, Params>,
    values: Params,
  ): Promise<Row | undefined> {
    return (await this.rows(statement, values))[0];
  }

  /**
   * A connection of the pool's own, for what must run on one connection: a transaction of several statements, or
   * a cursor read for as long as its client keeps reading (the data export). The caller must release it.
   */
  connect(): Promise<pg.PoolClient> {
    return checkOut(this.pool(), this.logger);
  }

  /**
   * Runs `work` in one transaction on one connection of the pool: committed if it resolves, rolled back if it
   * throws. For the few writes that are two statements (a statement each feature owns) and must commit together.
   */
  transaction<T>(work: (tx: TransactionRunner) => Promise<T>): Promise<T> {
    return inTransaction(this.pool(), this.logger, work);
  }

  /** The pool, once connected: for the pool gauges of the metrics. */
  currentPool(): pg.Pool | undefined {
    return this.dataSource.isInitialized ? poolOf(this.dataSource) : undefined;
  }

  private pool(): pg.Pool {
    // Until connectDatabase() succeeds there is no pool; the error filter answers this as 503.
    if (!this.dataSource.isInitialized) throw new Error('DataSource is not initialized');
    return poolOf(this.dataSource);
  }
}

/** A connection of `pool`, guarded while checked out; the caller must release it. */
export async function checkOut(pool: pg.Pool, logger: Logger): Promise<pg.PoolClient> {
  const client = await pool.connect();
  // A checked-out client has lost the pool's 'error' listener: a connection lost now (the server restarting, the
  // backend terminated) would be an unhandled 'error' event, which ends the process. Its query fails with the
  // same error, and that is what the caller handles; here it is only logged.
  const lost = (error: Error) => logger.warn(`PostgreSQL connection lost: ${error.message}`);
  client.on('error', lost);
  const release = client.release.bind(client);
  client.release = (destroy?: Error | boolean) => {
    client.off('error', lost);
    release(destroy);
  };
  return client;
}

/**
 * Runs `work` in one transaction on one connection of `pool`: committed if it resolves, rolled back if it throws.
 * PreparedStatements.transaction on the app's pool; a background worker with a pool of its own calls it directly.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  logger: Logger,
  work: (tx: TransactionRunner) => Promise<T>,
): Promise<T> {
  const client = await checkOut(pool, logger);
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work({ client, rows: (statement, values) => runPrepared(client, statement, values) });
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A connection that cannot even roll back is not given back to the pool.
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
