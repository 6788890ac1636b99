/*
 * Reads that may run on a replica, and the positions writes leave for them (docs/replicas.md). Without
 * DATABASE_REPLICA_URLS there is no replica set and no position store: read() is PreparedStatements.rows() and
 * afterWrite() returns at once, so the statements run are exactly those run without this file.
 *
 * The rule: a read for a user runs on a replica that has replayed past the user's causal position (the last
 * commit that concerned them, or a broadcast's) and is under REPLICA_MAX_LAG_MS behind; otherwise on the primary.
 * Only for reads that draw no transaction id, take no lock and need no snapshot of the primary's: callers choose.
 */
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { pgErrorCode } from '../../common/postgres-errors.js';
import type { Environment } from '../../config/environment.js';
import { observers } from '../../observability/hooks.js';
import { type OptionalRedis, REDIS_CLIENT } from '../../redis/redis.module.js';
import { PreparedStatements, type PreparedStatement, runPrepared } from '../prepared-statements.js';
import {
  type CausalPositions,
  type Concerned,
  MemoryPositions,
  positionTtlMs,
  RedisPositions,
  type SharedRead,
} from './causal-positions.js';
import { parseLsn } from './lsn.js';
import { type FallbackReason, PRIMARY_WAL_POSITION, ReplicaSet, type ReplicaStatus } from './replica-set.js';

/**
 * Whether a read that failed on a replica is the replica's fault, and so is run again on the primary: a recovery
 * conflict (SQLSTATE class 40 on a standby: replay needed what the query held), a lost or refused connection
 * (no SQLSTATE, or a Node.js system error), a server shutting down or out of connections. A query that is itself
 * wrong would fail on the primary too, and is thrown; so is a statement timeout, which would only take as long again.
 */
function replicaFault(error: unknown): FallbackReason | undefined {
  const code = pgErrorCode(error);
  if (code === undefined || code.startsWith('E')) return 'replica_error';
  if (code.startsWith('40')) return 'recovery_conflict';
  if (code === '57014') return undefined;
  if (/^(08|25|53|57|58)/.test(code)) return 'replica_error';
  return undefined;
}

@Injectable()
export class ReplicaReads implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Replicas');
  /** Both absent without DATABASE_REPLICA_URLS. */
  private readonly replicas?: ReplicaSet;
  private readonly positions?: CausalPositions;

  constructor(
    private readonly statements: PreparedStatements,
    config: ConfigService<Environment, true>,
    @Inject(REDIS_CLIENT) redis: OptionalRedis,
  ) {
    const urls = config.get('DATABASE_REPLICA_URLS', { infer: true });
    if (urls.length === 0) return;
    const maxLagMs = config.get('REPLICA_MAX_LAG_MS', { infer: true });
    this.replicas = new ReplicaSet(
      urls,
      () => statements.currentPool(),
      {
        maxLagMs,
        pollIntervalMs: config.get('REPLICA_POLL_INTERVAL_MS', { infer: true }),
        poolSize: config.get('DB_POOL_SIZE', { infer: true }),
      },
      this.logger,
    );
    const ttl = positionTtlMs(maxLagMs);
    this.positions = redis ? new RedisPositions(redis, ttl) : new MemoryPositions(ttl);
  }

  /** True when DATABASE_REPLICA_URLS names replicas. */
  get configured(): boolean {
    return this.replicas !== undefined;
  }

  onApplicationBootstrap(): void {
    this.replicas?.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.replicas?.stop();
  }

  /**
   * `statement` for `userId`: on a replica that has replayed past the user's position (and `shared`'s, for a read of
   * something every user's writes change), else on the primary.
   */
  async read<Row, Params extends readonly unknown[]>(
    userId: number,
    statement: PreparedStatement<Row, Params>,
    values: Params,
    shared?: SharedRead,
  ): Promise<Row[]> {
    if (!this.replicas || !this.positions) return this.statements.rows(statement, values);
    let position: bigint;
    try {
      position = await this.positions.positionOf(userId, shared);
    } catch {
      // Redis down: nobody can tell what this user must see, so the primary, which has it all, answers.
      return this.onPrimary('position_unknown', statement, values);
    }
    const choice = this.replicas.choose(position);
    if ('reason' in choice) return this.onPrimary(choice.reason, statement, values);
    try {
      const rows = await runPrepared(choice.replica.pool, statement, values);
      observers.read?.('replica');
      return rows;
    } catch (error) {
      const fault = replicaFault(error);
      if (!fault) throw error;
      // A conflict cancels one query; a lost connection says the replica is gone until a poll finds it again.
      if (fault === 'replica_error') this.replicas.markDown(choice.replica, error);
      return this.onPrimary(fault, statement, values);
    }
  }

  /**
   * After a write has committed, and before anyone is told of it (the response, the live event): the primary's WAL
   * position becomes the causal position of everyone `concerned`, so their next reads, on any instance, see it.
   */
  async afterWrite(concerned: Concerned): Promise<void> {
    if (!this.positions) return;
    try {
      const [row] = await this.statements.rows(PRIMARY_WAL_POSITION, []);
      await this.positions.record(concerned, parseLsn(row.lsn));
    } catch (error) {
      // The write has committed: failing its request now would have the client retry a done write. Without the
      // position those users may not see it on a replica until it replays there (at most REPLICA_MAX_LAG_MS).
      this.logger.warn(`Causal position not recorded: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Every replica's state, for /health/ready and the metrics; empty without replicas. */
  status(): ReplicaStatus[] {
    return this.replicas?.status() ?? [];
  }

  private onPrimary<Row, Params extends readonly unknown[]>(
    reason: FallbackReason,
    statement: PreparedStatement<Row, Params>,
    values: Params,
  ): Promise<Row[]> {
    observers.readFallback?.(reason);
    observers.read?.('primary');
    return this.statements.rows(statement, values);
  }
}
