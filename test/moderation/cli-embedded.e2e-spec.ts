/*
 * The operator CLI without DATABASE_URL, on the embedded PostgreSQL's data directory (EMBEDDED_PG_DIR): it
 * connects to the server running there (the port in its postmaster.pid), and when none runs it starts one for the
 * update and stops it after.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/data-source-options.js';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

describe('npm run cli -- moderator, on the embedded PostgreSQL', () => {
  let directory: string;
  let dataDir: string;
  let embedded: EmbeddedDatabase | undefined;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'parley-cli-'));
    // As root the server runs as user `postgres`, who must be able to enter the directory.
    await chmod(directory, 0o755);
    dataDir = join(directory, 'pg');
  });

  afterAll(async () => {
    await embedded?.stop();
    await rm(directory, { recursive: true, force: true });
  });

  const cli = async (...args: string[]): Promise<Outcome> => {
    const env: Record<string, string | undefined> = { ...process.env, EMBEDDED_PG_DIR: dataDir };
    delete env.DATABASE_URL;
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, ['dist/src/cli.js', ...args], { env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const { code, stdout, stderr } = error as Outcome;
      return { code, stdout, stderr };
    }
  };

  const query = async (url: string, sql: string, parameters: unknown[] = []) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql, parameters)).rows;
    } finally {
      await client.end();
    }
  };

  it('refuses a directory that holds no database, saying what to do', async () => {
    const outcome = await cli('moderator', 'grant', 'anyone');
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toBe(`No database in ${dataDir}: set DATABASE_URL, or start Parley once (npm start)\n`);
  });

  it('updates the running server, and starts and stops one when none runs', async () => {
    embedded = await startEmbeddedPostgres(dataDir);
    const dataSource = new DataSource(dataSourceOptions(embedded.url, 1));
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    await dataSource.destroy();
    await query(
      embedded.url,
      `INSERT INTO users (username, email, password_hash) VALUES ('user_cli', 'user_cli@example.com', 'x')`,
    );

    // Running: the CLI finds it through postmaster.pid, whatever port it took.
    expect(await cli('moderator', 'grant', 'User_CLI')).toEqual({
      code: 0,
      stdout: 'user_cli is now a moderator\n',
      stderr: '',
    });
    expect(await query(embedded.url, `SELECT role FROM users WHERE username = 'user_cli'`)).toEqual([
      { role: 'moderator' },
    ]);

    // Stopped: the CLI starts the server for the update and stops it again.
    await embedded.stop();
    embedded = undefined;
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);
    expect(await cli('moderator', 'revoke', 'user_cli')).toEqual({
      code: 0,
      stdout: 'user_cli is no longer a moderator\n',
      stderr: '',
    });
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);
    embedded = await startEmbeddedPostgres(dataDir);
    expect(await query(embedded.url, `SELECT role FROM users WHERE username = 'user_cli'`)).toEqual([{ role: 'user' }]);
  }, 120_000);
});
