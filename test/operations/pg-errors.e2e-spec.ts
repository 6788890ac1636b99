/* A pool whose idle connection the server ends reports it and goes on, instead of crashing the process. */
import pg from 'pg';
import { reportPgErrors } from '../../src/database/pg-errors.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

describe('reportPgErrors', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
  });

  afterAll(async () => {
    await database.drop();
  });

  it('keeps a pool alive when the server terminates its idle connection', async () => {
    let reported!: (message: string) => void;
    const report = new Promise<string>((resolve) => (reported = resolve));
    const pool = reportPgErrors(new pg.Pool({ connectionString: database.url, max: 1 }), (message) =>
      reported(message),
    );
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      // The connection is idle in the pool now; ending it as a server shutdown does.
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
      expect(await report).toMatch(/^PostgreSQL connection lost: terminating connection due to administrator command/);
      const again = await pool.query<{ one: number }>('SELECT 1 AS one');
      expect(again.rows).toEqual([{ one: 1 }]);
    } finally {
      await admin.end();
      await pool.end();
    }
  });
});
