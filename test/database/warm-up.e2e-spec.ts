/*
 * Warming a new instance's connections (src/database/warm-up.ts): every statement the app declares is prepared on
 * every pooled connection before the first request, and nothing the warm-up runs changes data, not even a sequence.
 */
import { Logger } from '@nestjs/common';
import pg from 'pg';
import { registeredStatements } from '../../src/database/prepared-statements.js';
import { warmPool } from '../../src/database/warm-up.js';
import { sendMessage, signupUser } from '../support/factories.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const CONNECTIONS = 3;

/** What a write would leave behind even when rolled back (a drawn id), and the rows themselves. */
async function footprint(app: TestApp): Promise<unknown> {
  const sequences = await app.query('SELECT sequencename, last_value FROM pg_sequences ORDER BY sequencename');
  const rows = await app.query(
    `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM sessions) AS sessions,
            (SELECT count(*) FROM messages) AS messages, (SELECT count(*) FROM chats) AS chats`,
  );
  return { sequences, rows };
}

describe('warming the pool before the first request', () => {
  let app: TestApp;
  let pool: pg.Pool;

  beforeAll(async () => {
    // The app's modules declare their statements as they load: the whole app is what a real start warms.
    app = await createTestApp();
    const [alice, bob] = [await signupUser(app), await signupUser(app)];
    await sendMessage(app, alice, bob, 'there is data to leave alone');
    pool = new pg.Pool({ connectionString: app.database.url, min: CONNECTIONS, max: CONNECTIONS });
  });

  afterAll(async () => {
    await pool.end();
    await app.close();
  });

  it('prepares every declared statement on every connection, and changes nothing', async () => {
    const statements = registeredStatements();
    expect(statements.map((statement) => statement.name)).toEqual(expect.arrayContaining(['send', 'authenticate']));
    const before = await footprint(app);
    await warmPool(pool, statements, new Logger('WarmUpTest'));
    expect(await footprint(app)).toEqual(before);

    // All held at once, so each is a different connection.
    const clients = await Promise.all(Array.from({ length: CONNECTIONS }, () => pool.connect()));
    try {
      const declared = statements.map((statement) => statement.name).sort();
      for (const client of clients) {
        const { rows } = await client.query<{ name: string }>('SELECT name FROM pg_prepared_statements ORDER BY name');
        expect(rows.map((row) => row.name)).toEqual(declared);
      }
      const pids = await Promise.all(
        clients.map(async (client) => (await client.query('SELECT pg_backend_pid()')).rows[0]),
      );
      expect(new Set(pids.map((row) => JSON.stringify(row))).size).toBe(CONNECTIONS);
    } finally {
      for (const client of clients) client.release();
    }
  });
});
