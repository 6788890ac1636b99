/*
 * The built service as an operator runs it (dist/src/main.js in its own
 * process): JSON logs with request ids and no secrets, metrics of two workers
 * in one scrape on their own port, readiness that fails while draining and
 * while migrations are left to a separate job.
 */
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/data-source-options.js';
import { findFreePort } from '../../src/database/embedded-postgres.js';
import { startServiceProcess, waitFor } from '../faults/service-process.js';
import { connectSocket } from '../realtime/sockets.js';
import { post, signup } from '../support/process-api.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const occurrences = (text: string, needle: string) => text.split(needle).length - 1;

const REQUEST_TIMEOUT_MS = 15_000;

/** A GET on a connection of its own, so node:cluster hands successive requests to different workers. */
function getOnNewConnection(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { agent: false, headers: { ...headers, connection: 'close' } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .setTimeout(REQUEST_TIMEOUT_MS, () =>
        request.destroy(new Error(`GET ${url}: no answer in ${REQUEST_TIMEOUT_MS} ms`)),
      )
      .end();
  });
}

describe('operations', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database.drop();
  });

  it('log JSON lines with the request id and no secrets when stdout is not a terminal', async () => {
    const service = await startServiceProcess(database.url, await findFreePort(), { ACCESS_LOG_LEVEL: 'log' });
    try {
      await waitFor(async () => (await fetch(`${service.url}/health/ready`)).status === 200, 30_000);
      await fetch(`${service.url}/current_user?token=leaked-query-secret`, { headers: { 'x-request-id': 'op-log-1' } });
      await fetch(`${service.url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer leaked-header-secret' },
        body: JSON.stringify({ username: 'nobody', password: 'leaked-password-secret' }),
      });
      await waitFor(() => Promise.resolve(service.logs().includes('"route":"/login"')), 10_000);
    } finally {
      await service.terminate();
    }
    const lines = service
      .logs()
      .split('\n')
      .filter((line) => line.trim() !== '');
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.find((record) => record.route === '/current_user')).toMatchObject({
      level: 'log',
      context: 'HTTP',
      method: 'GET',
      status: 401,
      request_id: 'op-log-1',
      duration_ms: expect.any(Number),
    });
    expect(records.find((record) => record.route === '/login')).toMatchObject({
      status: 401,
      request_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(service.logs()).not.toMatch(/leaked-(query|header|password)-secret/);
  }, 60_000);

  it('serve the metrics of two workers in one scrape, on METRICS_PORT only', async () => {
    const metricsPort = await findFreePort();
    const service = await startServiceProcess(database.url, await findFreePort(), {
      WEB_CONCURRENCY: '2',
      METRICS_PORT: String(metricsPort),
    });
    try {
      await waitFor(() => Promise.resolve(occurrences(service.logs(), 'Connected;') >= 2), 30_000);
      const requests = 20;
      for (let i = 0; i < requests; i++)
        expect((await getOnNewConnection(`${service.url}/health/live`)).status).toBe(200);
      // An unknown token of the right form: the token lookup, a prepared statement, runs and finds nothing.
      await getOnNewConnection(`${service.url}/current_user`, { authorization: `Bearer ${'w'.repeat(43)}` });
      const socket = await connectSocket(service.url, (await signup(service.url)).token);

      const scrape = await getOnNewConnection(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(scrape.status).toBe(200);
      expect(scrape.body.match(/^parley_process_info\{pid="\d+"\} 1$/gm)).toHaveLength(2);
      expect(scrape.body).toContain(
        `http_request_duration_seconds_count{method="GET",route="/health/live",status="200"} ${requests}`,
      );
      expect(scrape.body).toMatch(/^db_statement_duration_seconds_count\{statement="[a-z_]+"\} \d+$/m);
      expect(scrape.body).toMatch(/^db_pool_connections_in_use \d+$/m);
      expect(scrape.body).toMatch(/^db_pool_waiting_requests \d+$/m);
      expect(scrape.body).toMatch(/^process_cpu_user_seconds_total /m);
      expect(scrape.body).toContain('# TYPE rate_limit_rejections_total counter');
      expect(scrape.body).toMatch(/^realtime_sockets_connected 1$/m);
      socket.close();
      expect((await getOnNewConnection(`${service.url}/metrics`)).status).toBe(404);
    } finally {
      expect(await service.terminate()).toBe(0);
    }
  }, 90_000);

  it('on SIGTERM fail readiness first, keep answering for SHUTDOWN_DELAY_MS, then exit 0', async () => {
    const service = await startServiceProcess(database.url, await findFreePort(), { SHUTDOWN_DELAY_MS: '5000' });
    await waitFor(async () => (await fetch(`${service.url}/health/ready`)).status === 200, 30_000);
    const exited = service.terminate();
    await waitFor(async () => (await fetch(`${service.url}/health/ready`)).status === 503, 4_000);
    const ready = await fetch(`${service.url}/health/ready`);
    expect(await ready.json()).toMatchObject({ statusCode: 503, message: 'Not ready: shutting down' });
    expect((await fetch(`${service.url}/health/live`)).status).toBe(200);
    expect(await exited).toBe(0);
  }, 60_000);

  it('on SIGTERM let a send whose client has gone finish before closing the database', async () => {
    const service = await startServiceProcess(database.url, await findFreePort());
    const [alice, bob] = [await signup(service.url), await signup(service.url)];
    const first = (await (
      await post(service.url, '/send', { user_id: bob.id, message: 'first' }, alice.token)
    ).json()) as {
      id: number;
    };
    // The reply's first statement (is the message it replies to in this chat?) waits on this lock, on a pooled
    // connection; its second, the send itself, needs the pool again once the lock is gone.
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE messages IN ACCESS EXCLUSIVE MODE');
    const abort = new AbortController();
    const reply = post(
      service.url,
      '/send',
      { user_id: bob.id, message: 'a reply', reply_to_id: first.id },
      alice.token,
      {},
      abort.signal,
    ).catch(() => 'client gone');
    try {
      await waitFor(async () => {
        const { rows } = await locker.query<{ waiting: number }>(
          "SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
        );
        return rows[0].waiting > 0;
      }, 10_000);
      abort.abort();
      expect(await reply).toBe('client gone');
      const exited = service.terminate();
      // Time for the server to close with no connection left open, which used to close the pool at once.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await locker.query('ROLLBACK');
      expect(await exited).toBe(0);
    } finally {
      await locker.end();
    }
    const stored = new pg.Client({ connectionString: database.url });
    await stored.connect();
    try {
      const { rows } = await stored.query('SELECT body FROM messages WHERE reply_to_id = $1', [first.id]);
      expect(rows).toEqual([{ body: 'a reply' }]);
    } finally {
      await stored.end();
    }
    expect(service.logs()).not.toMatch(/Cannot use a pool/);
  }, 60_000);

  it('report ready only once every pooled connection has prepared the statements', async () => {
    // Held while the service starts, this lock keeps the warm-up waiting (its statements read messages), so the
    // test sees the window in which a started, connected instance must not yet be sent traffic.
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE messages IN ACCESS EXCLUSIVE MODE');
    const service = await startServiceProcess(database.url, await findFreePort(), { DB_POOL_SIZE: '4' });
    const ready = async () => {
      const response = await fetch(`${service.url}/health/ready`).catch(() => undefined);
      return response && { status: response.status, body: (await response.json()) as { message?: string } };
    };
    try {
      await waitFor(async () => (await ready())?.body.message === 'Not ready: warming up', 30_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await ready()).toMatchObject({ status: 503, body: { message: 'Not ready: warming up' } });
      expect(service.logs()).not.toMatch(/Warmed/);
      await locker.query('ROLLBACK');
      await waitFor(async () => (await ready())?.status === 200, 30_000);
      expect(service.logs()).toMatch(/Warmed 4 of 4 connections with \d+ statements/);
    } finally {
      await locker.end();
      await service.terminate();
    }
  }, 60_000);

  it('with MIGRATIONS_RUN=false leave migrations alone and report them pending until applied', async () => {
    const empty = await createTestDatabase({ migrated: false });
    const service = await startServiceProcess(empty.url, await findFreePort(), { MIGRATIONS_RUN: 'false' });
    try {
      await waitFor(() => Promise.resolve(service.logs().includes('Not warmed: migrations pending')), 30_000);
      const pending = await fetch(`${service.url}/health/ready`);
      expect(pending.status).toBe(503);
      expect(await pending.json()).toMatchObject({ message: 'Not ready: migrations pending' });
      expect((await fetch(`${service.url}/health/live`)).status).toBe(200);

      const migrator = new DataSource(dataSourceOptions(empty.url, 1));
      await migrator.initialize();
      await migrator.runMigrations({ transaction: 'each' });
      await migrator.destroy();
      const ready = await fetch(`${service.url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ok', checks: { database: 'up', migrations: 'applied' } });
    } finally {
      await service.terminate();
      await empty.drop();
    }
  }, 60_000);

  it('refuse a bad setting with one line and exit 1', async () => {
    const child = spawn(process.execPath, ['dist/src/main.js'], {
      env: { ...process.env, DATABASE_URL: database.url, TRUST_PROXY: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(output).toContain('TRUST_PROXY must be a hop count');
    expect(output).not.toMatch(/\n\s+at /);
  });
});
