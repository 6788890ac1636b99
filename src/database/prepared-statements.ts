/*
 * The hot queries run as named prepared statements on TypeORM's own pg pool.
 * PostgreSQL then parses and plans each one once per connection instead of on
 * every call: on the benchmark machine that alone more than doubles what the
 * token lookup sustains (docs/performance.md). Entity work (signup, login,
 * migrations) stays with TypeORM.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type pg from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

export interface PreparedStatement {
  readonly name: string;
  readonly text: string;
}

/** A named statement; the name must be unique, since pg prepares it once per connection under that name. */
export function prepared(name: string, text: string): PreparedStatement {
  return { name, text };
}

/** Runs a statement on a pg pool under its name: the one way the service, and the benchmark's baseline, run them. */
export async function runPrepared<Row>(pool: pg.Pool, statement: PreparedStatement, values: unknown[]): Promise<Row[]> {
  const result = await pool.query({ name: statement.name, text: statement.text, values });
  return result.rows as Row[];
}

@Injectable()
export class PreparedStatements {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  rows<Row>(statement: PreparedStatement, values: unknown[]): Promise<Row[]> {
    return runPrepared<Row>(this.pool(), statement, values);
  }

  private pool(): pg.Pool {
    // Until connectDatabase() succeeds there is no pool; the error filter answers this as 503.
    if (!this.dataSource.isInitialized) throw new Error('DataSource is not initialized');
    return (this.dataSource.driver as PostgresDriver).master as pg.Pool;
  }
}
