/*
 * Faults, for real: the built service in its own process against its own
 * embedded PostgreSQL, which the tests stop and start. Every message that was
 * answered 2xx must be in the database afterwards.
 */
import pg from 'pg';
import { migrations } from '../../src/data-source-options.js';
import { findFreePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/database/embedded-postgres.js';
import { healthStatus, type ServiceProcess, startServiceProcess, waitFor } from './service-process.js';
import { type ProcessUser, signup } from '../support/process-api.js';
import { startOwnEmbeddedPostgres } from '../support/test-database.js';

const DATA_DIR = '.data/postgres-faults';

async function send(
  url: string,
  from: ProcessUser,
  to: ProcessUser,
  message: string,
): Promise<{ status: number; id?: number }> {
  try {
    const response = await fetch(`${url}/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${from.token}` },
      body: JSON.stringify({ user_id: to.id, message }),
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await response.json()) as { id?: number };
    return { status: response.status, id: body.id };
  } catch {
    return { status: 0 };
  }
}

async function storedIds(databaseUrl: string, ids: number[]): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM messages WHERE id = ANY($1)', [
      ids,
    ]);
    return rows[0].n;
  } finally {
    await client.end();
  }
}

/** Sends from `from` to `to` in `workers` parallel loops until `stop()` resolves; returns every answer. */
function sendLoad(url: string, from: ProcessUser, to: ProcessUser, workers: number) {
  const results: { status: number; id?: number }[] = [];
  let running = true;
  const loops = Array.from({ length: workers }, async (_, worker) => {
    for (let i = 0; running && i < 10_000; i++) {
      results.push(await send(url, from, to, `load ${worker}-${i}`));
    }
  });
  return {
    results,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return results;
    },
  };
}

describe('faults', () => {
  let database: EmbeddedDatabase;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    database = await startOwnEmbeddedPostgres(DATA_DIR);
  }, 60_000);

  // A failed test must not leave the next one without its database.
  const ensureDatabase = async () => {
    if ((await fetch(`${service?.url ?? 'http://127.0.0.1:1'}/health`).catch(() => null))?.status === 200) return;
    const probe = new pg.Client({ connectionString: database.url });
    const up = await probe.connect().then(
      () => true,
      () => false,
    );
    await probe.end().catch(() => undefined);
    if (!up) database = await startEmbeddedPostgres(DATA_DIR, { port: database.port });
  };

  afterEach(async () => {
    await service?.terminate();
    service = undefined;
    await ensureDatabase();
  });

  afterAll(async () => {
    await database.stop();
  });

  it('starts without its database, says so on /health, and connects once the database is up', async () => {
    await database.stop();
    service = await startServiceProcess(database.url, await findFreePort());
    expect(await healthStatus(service.url)).toBe(503);
    const refused = await fetch(`${service.url}/users`, { headers: { authorization: `Bearer ${'x'.repeat(43)}` } });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'The database is unavailable; retry shortly',
      request_id: expect.any(String),
    });
    await waitFor(() => Promise.resolve(/Attempt \d+ failed/.test(service?.logs() ?? '')), 10_000);

    database = await startEmbeddedPostgres(DATA_DIR, { port: database.port });
    const recoveredIn = await waitFor(async () => (await healthStatus(service!.url)) === 200, 30_000);
    expect(recoveredIn).toBeLessThan(30_000);
    expect(service.logs()).toMatch(/Attempt 1 failed \(connect ECONNREFUSED/);
    const appliedAll = `Connected; migrations applied now: ${migrations.length}`;
    await waitFor(() => Promise.resolve(service?.logs().includes(appliedAll) ?? false), 10_000);
  }, 90_000);

  it('answers 503 while the database restarts under load, recovers by itself, and loses no acknowledged message', async () => {
    service = await startServiceProcess(database.url, await findFreePort());
    await waitFor(async () => (await healthStatus(service!.url)) === 200, 30_000);
    const [alice, bob] = [await signup(service.url, 'fault_alice_1'), await signup(service.url, 'fault_bob_1')];

    const load = sendLoad(service.url, alice, bob, 8);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await database.stop();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    database = await startEmbeddedPostgres(DATA_DIR, { port: database.port });
    const recoveredIn = await waitFor(
      async () => (await send(service!.url, alice, bob, 'after restart')).status === 201,
      20_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const results = await load.stop();

    const statuses = new Set(results.map((r) => r.status));
    expect([...statuses].filter((status) => status !== 201 && status !== 503)).toEqual([]);
    expect(statuses).toContain(503);
    expect(recoveredIn).toBeLessThan(20_000);
    const acknowledged = results.filter((r) => r.status === 201).map((r) => r.id as number);
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(await storedIds(database.url, acknowledged)).toBe(acknowledged.length);
    console.log(
      `database restart under load: ${results.length} sends, ${acknowledged.length} answered 201 (all stored), ` +
        `${results.filter((r) => r.status === 503).length} answered 503; recovered ${recoveredIn} ms after restart`,
    );
  }, 90_000);

  it('on SIGTERM finishes the sends in flight, closes cleanly and exits 0', async () => {
    service = await startServiceProcess(database.url, await findFreePort());
    await waitFor(async () => (await healthStatus(service!.url)) === 200, 30_000);
    const [alice, bob] = [await signup(service.url, 'fault_alice_2'), await signup(service.url, 'fault_bob_2')];

    const inFlight = Array.from({ length: 40 }, (_, i) => send(service!.url, alice, bob, `in flight ${i}`));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const exitCode = await service.terminate();
    service = undefined;
    const results = await Promise.all(inFlight);

    expect(exitCode).toBe(0);
    const acknowledged = results.filter((r) => r.status === 201).map((r) => r.id as number);
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(results.every((r) => r.status === 201 || r.status === 0)).toBe(true);
    expect(await storedIds(database.url, acknowledged)).toBe(acknowledged.length);
    console.log(`SIGTERM: ${inFlight.length} sends in flight, ${acknowledged.length} answered 201 (all stored)`);
  }, 60_000);
});
