/*
 * The replicas of DATABASE_REPLICA_URLS, each with a pg pool of its own that runs the same named prepared
 * statements as the primary's. A poller per process asks, every REPLICA_POLL_INTERVAL_MS, the primary for its WAL
 * position and every replica for the position it has replayed to; a read then picks a replica from that cached
 * state without asking anyone (GitLab's load balancer works the same way).
 *
 * How far behind a replica is, is measured against the primary's own positions, not with
 * pg_last_xact_replay_timestamp(): that is the time of the last transaction replayed, which grows without bound on
 * a primary nobody writes to, though the replica is not behind at all. Here each primary position is kept with the
 * moment it was asked for; a replica that has replayed past the position asked for at time t holds every commit
 * answered before t, so it is at most `now - t` behind. That bound only errs on the safe side.
 */
import type { Logger } from '@nestjs/common';
import pg from 'pg';
import { reportPgErrors } from '../pg-errors.js';
import { prepared, runPrepared } from '../prepared-statements.js';
import { parseLsn } from './lsn.js';

/**
 * The primary's WAL write position. Read after a commit on any connection of the primary it is at or past that
 * commit's record: COMMIT (synchronous_commit on, which Parley never lowers for the statements that record
 * positions) returns only once the WAL is flushed past its commit record, and the write position, shared by
 * every backend, is never behind the flush position.
 */
export const PRIMARY_WAL_POSITION = prepared<{ lsn: string }, []>(
  'primary_wal_position',
  'SELECT pg_current_wal_lsn()::text AS lsn',
);

// pg_is_wal_replay_paused() raises an error outside recovery: asked only in recovery. A server out of recovery
// (a promoted replica, or a primary's URL by mistake) is never read from: it may have diverged.
const REPLICA_STATUS = prepared<{ replay_lsn: string | null; in_recovery: boolean; paused: boolean }, []>(
  'replica_status',
  `SELECT pg_last_wal_replay_lsn()::text AS replay_lsn, pg_is_in_recovery() AS in_recovery,
          CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() ELSE false END AS paused`,
);

/** Why a read that could have used a replica ran on the primary. */
export type FallbackReason =
  'replica_down' | 'replica_lagging' | 'behind_position' | 'position_unknown' | 'recovery_conflict' | 'replica_error';

export interface Replica {
  /** host:port/database, never the password: the metrics' label. */
  readonly name: string;
  readonly pool: pg.Pool;
  up: boolean;
  paused: boolean;
  replayLsn: bigint;
  problem?: string;
  polling: boolean;
}

/** What /health/ready and the metrics report of a replica. */
export interface ReplicaStatus {
  name: string;
  up: boolean;
  paused: boolean;
  /** How far behind the primary, at most (ms); undefined while unknown (down, or not yet compared). */
  lagMs?: number;
  problem?: string;
}

export interface ReplicaSetOptions {
  maxLagMs: number;
  pollIntervalMs: number;
  poolSize: number;
}

/** One position of the primary and when it was asked for (performance.now()). */
interface Sample {
  at: number;
  lsn: bigint;
}

function replicaName(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class ReplicaSet {
  readonly replicas: Replica[];
  /** Oldest first; positions never decrease. */
  private samples: Sample[] = [];
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    urls: readonly string[],
    private readonly primary: () => pg.Pool | undefined,
    private readonly options: ReplicaSetOptions,
    private readonly logger: Logger,
  ) {
    this.replicas = urls.map((url) => ({
      name: replicaName(url),
      pool: reportPgErrors(
        new pg.Pool({
          connectionString: url,
          max: options.poolSize,
          min: options.poolSize,
          // As the primary's pool (data-source-options.ts): a dead replica fails fast and the read goes to the primary.
          connectionTimeoutMillis: 2_000,
          statement_timeout: 10_000,
        }),
        (text) => logger.warn(`Replica ${replicaName(url)}: ${text}`),
      ),
      up: false,
      paused: false,
      replayLsn: 0n,
      polling: false,
    }));
  }

  start(): void {
    const tick = async () => {
      await this.poll();
      // Until the primary has answered once no replica can be compared with it: ask again soon (it connects after boot).
      const delay =
        this.samples.length === 0 ? Math.min(this.options.pollIntervalMs, 100) : this.options.pollIntervalMs;
      if (!this.stopped) this.timer = setTimeout(() => void tick(), delay);
    };
    void tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.all(this.replicas.map((replica) => replica.pool.end().catch(() => undefined)));
  }

  /** A replica under the lag bound that has replayed past `position` (0n: no position), or why there is none. */
  choose(position: bigint): { replica: Replica } | { reason: FallbackReason } {
    const now = performance.now();
    const up = this.replicas.filter((replica) => replica.up);
    if (up.length === 0) return { reason: 'replica_down' };
    const fresh = up.filter((replica) => (this.lagMs(replica, now) ?? Infinity) <= this.options.maxLagMs);
    if (fresh.length === 0) return { reason: 'replica_lagging' };
    const caughtUp = fresh.filter((replica) => replica.replayLsn >= position);
    if (caughtUp.length === 0) return { reason: 'behind_position' };
    return { replica: caughtUp[Math.floor(Math.random() * caughtUp.length)] };
  }

  /** A read failed on `replica` for the replica's sake: no more reads go there until a poll finds it well. */
  markDown(replica: Replica, error: unknown): void {
    this.setDown(replica, message(error));
  }

  status(): ReplicaStatus[] {
    const now = performance.now();
    return this.replicas.map((replica) => {
      const lag = replica.up ? this.lagMs(replica, now) : undefined;
      return {
        name: replica.name,
        up: replica.up,
        paused: replica.paused,
        ...(lag === undefined ? {} : { lagMs: Math.round(lag) }),
        ...(replica.problem ? { problem: replica.problem } : {}),
      };
    });
  }

  /** At most how far behind the primary `replica` is: since the newest primary position it has replayed past. */
  private lagMs(replica: Replica, now: number): number | undefined {
    for (let index = this.samples.length - 1; index >= 0; index--) {
      if (this.samples[index].lsn <= replica.replayLsn) return now - this.samples[index].at;
    }
    return undefined;
  }

  private async poll(): Promise<void> {
    await this.samplePrimary();
    await Promise.all(this.replicas.map((replica) => this.pollReplica(replica)));
  }

  private async samplePrimary(): Promise<void> {
    const pool = this.primary();
    if (!pool) return; // not connected yet: no replica counts as caught up until it is
    const at = performance.now();
    try {
      const [row] = await runPrepared(pool, PRIMARY_WAL_POSITION, []);
      this.samples.push({ at, lsn: parseLsn(row.lsn) });
    } catch {
      // The primary not answering: its last positions age, and so do the replicas' lags, until it answers again.
      return;
    }
    // Kept as long as a lag within the bound can need them, and the newest always.
    const horizon = at - this.options.maxLagMs - 10 * this.options.pollIntervalMs - 1_000;
    while (this.samples.length > 1 && this.samples[1].at < horizon) this.samples.shift();
  }

  private async pollReplica(replica: Replica): Promise<void> {
    // A poll still waiting (a replica that does not answer) is not doubled; the timeout below marks it down.
    if (replica.polling) return;
    replica.polling = true;
    const query = runPrepared(replica.pool, REPLICA_STATUS, []).finally(() => (replica.polling = false));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('did not answer within 1 s')), 1_000);
    });
    try {
      const [row] = await Promise.race([query, timeout]);
      if (!row.in_recovery || row.replay_lsn === null) {
        this.setDown(replica, 'not in recovery (promoted, or not a replica): never read from');
        return;
      }
      replica.replayLsn = parseLsn(row.replay_lsn);
      replica.paused = row.paused;
      if (!replica.up) this.logger.log(`Replica ${replica.name} serves reads`);
      replica.up = true;
      replica.problem = undefined;
    } catch (error) {
      query.catch(() => undefined); // its failure, if it comes after the timeout, is this one
      this.setDown(replica, message(error));
    } finally {
      clearTimeout(timer);
    }
  }

  private setDown(replica: Replica, problem: string): void {
    if (replica.up || replica.problem === undefined) this.logger.warn(`Replica ${replica.name} not used: ${problem}`);
    replica.up = false;
    replica.problem = problem;
  }
}
