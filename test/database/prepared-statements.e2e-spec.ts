/*
 * PreparedStatements runs on TypeORM's own pg pool through `driver.master`,
 * which is not TypeORM's public API. These fail loudly if an upgrade moves it.
 */
import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/data-source-options.js';
import { poolOf, prepared, PreparedStatements } from '../../src/database/prepared-statements.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const POOL_SIZE = 3;

describe("PreparedStatements on TypeORM's pool", () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource(dataSourceOptions(database.url, POOL_SIZE)).initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('finds the pg Pool that TypeORM built from our options', () => {
    const pool = poolOf(dataSource);
    expect(pool).toBeInstanceOf(pg.Pool);
    expect(pool.options.max).toBe(POOL_SIZE);
  });

  it('runs a named statement on that pool, sharing its connections with TypeORM', async () => {
    const pool = poolOf(dataSource);
    const statement = prepared<{ backend: number }, [label: string]>(
      'seam_check',
      'SELECT pg_backend_pid() AS backend, $1::text AS label',
    );
    const [row] = await new PreparedStatements(dataSource).rows(statement, ['seam']);
    expect(row).toEqual({ backend: expect.any(Number), label: 'seam' });
    const typeormBackends = new Set<number>();
    for (let i = 0; i < POOL_SIZE * 2; i++) {
      const [{ backend }] = await dataSource.query<{ backend: number }[]>('SELECT pg_backend_pid() AS backend');
      typeormBackends.add(backend);
    }
    expect(typeormBackends.has(row.backend)).toBe(true);
    expect(pool.totalCount).toBeLessThanOrEqual(POOL_SIZE);
  });
});
