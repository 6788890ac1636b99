/*
 * Probes for orchestrators and balancers. /health/live: the process answers
 * (restart it if not). /health/ready: send it traffic: the database answers,
 * every migration is applied (MIGRATIONS_RUN=false leaves that to a separate
 * job), Redis answers when REDIS_URL is set, and it is not draining. It also
 * reports the job queue (state, pending and failed jobs) and each read replica without depending on them.
 * GET /health stays as it was for existing clients.
 */
import { Controller, Get, HttpCode, type OnApplicationShutdown, ServiceUnavailableException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { Public } from '../common/caller/public.decorator.js';
import type { Environment } from '../config/environment.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { allMigrationsApplied } from '../database/database-connection.js';
import { ReplicaReads } from '../database/replicas/replica-reads.js';
import type { ReplicaStatus } from '../database/replicas/replica-set.js';
import { JobQueue } from '../queue/job-queue.js';
import { ProbeDto } from './probe.dto.js';
import { Readiness } from './readiness.js';

const CHECK_TIMEOUT_MS = 1_500;

function withinTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** e.g. `up, 12 ms behind`, `up, replay paused, 5300 ms behind`, `down: connect ECONNREFUSED 127.0.0.1:5433`. */
function describeReplica(replica: ReplicaStatus): string {
  if (!replica.up) return `down: ${replica.problem ?? 'not polled yet'}`;
  const lag = replica.lagMs === undefined ? 'lag unknown' : `${replica.lagMs} ms behind`;
  return `up, ${replica.paused ? 'replay paused, ' : ''}${lag}`;
}

@ApiTags('health')
@Controller('health')
export class ProbesController implements OnApplicationShutdown {
  private readonly redis?: Redis;
  /** Said while it holds: files on one instance's disk with several instances (Redis shared) is a mistake. */
  private readonly storageWarning?: string;
  // Once true it stays true: applied migrations are never taken back while the process runs.
  private migrated = false;

  constructor(
    private readonly readiness: Readiness,
    private readonly queue: JobQueue,
    private readonly replicas: ReplicaReads,
    @InjectDataSource() private readonly dataSource: DataSource,
    config: ConfigService<Environment, true>,
  ) {
    const redisUrl = config.get('REDIS_URL', { infer: true });
    // Its own connection, opened at the first probe: a probe waits for Redis to connect, which the shared client
    // (no offline queue, so rate limits and live events fall back at once) refuses to do.
    this.redis = redisUrl
      ? new Redis(redisUrl, {
          lazyConnect: true,
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          // No reconnecting in the background: each probe connects again if it must.
          retryStrategy: () => null,
        })
      : undefined;
    this.redis?.on('error', () => undefined); // reported by the probe that finds it down
    if (redisUrl && config.get('STORAGE', { infer: true }) === 'local') {
      this.storageWarning = 'local: not shared between instances; use STORAGE=s3 (or one shared volume)';
    }
  }

  /**
   * 200 while the process answers at all.
   * @remarks The liveness probe: it checks nothing else, so a database outage never restarts the process.
   */
  @Public()
  @Get('live')
  @HttpCode(200)
  checkLiveness(): ProbeDto {
    return { status: 'ok', checks: {} };
  }

  /**
   * 200 when this instance should get traffic; 503 naming what is missing, and while it drains after SIGTERM.
   * @remarks The readiness probe: the database answers, its migrations are applied, its connections are warmed
   * (statements prepared, a fraction of a second after the start), and Redis answers when configured.
   */
  @Public()
  @Get('ready')
  @ApiResponse({
    status: 503,
    description: 'Not ready: shutting down, database or Redis down, migrations pending, or warming up after the start',
    type: ErrorResponseDto,
  })
  async checkReadiness(): Promise<ProbeDto> {
    if (this.readiness.draining) throw new ServiceUnavailableException('Not ready: shutting down');
    if (!this.dataSource.isInitialized) throw new ServiceUnavailableException('Not ready: database not connected yet');
    // Before any query: the warm-up holds every pooled connection while it runs.
    if (this.readiness.warmingUp) throw new ServiceUnavailableException('Not ready: warming up');
    const checks: Record<string, string> = {};
    try {
      await withinTimeout(this.dataSource.query('SELECT 1'), 'the database');
      checks.database = 'up';
      if (!this.migrated) this.migrated = await withinTimeout(allMigrationsApplied(this.dataSource), 'the database');
      if (!this.migrated) throw new ServiceUnavailableException('Not ready: migrations pending');
      checks.migrations = 'applied';
      if (this.redis) {
        if (this.redis.status === 'wait' || this.redis.status === 'end') {
          await withinTimeout(this.redis.connect(), 'Redis');
        }
        await withinTimeout(this.redis.ping(), 'Redis');
        checks.redis = 'up';
      }
    } catch (error) {
      if (error instanceof ServiceUnavailableException) throw error;
      const down = checks.database ? 'redis' : 'database';
      throw new ServiceUnavailableException(`Not ready: ${down} down`);
    }
    // Reported, never a reason to stop traffic: one instance with REDIS_URL set is a valid deployment.
    if (this.storageWarning) checks.storage = this.storageWarning;
    // Reported, never a reason to stop traffic: without a replica the primary serves every read.
    for (const replica of this.replicas.status()) checks[`replica ${replica.name}`] = describeReplica(replica);
    // Reported, never a reason to stop traffic: while the queue is down, events wait in the outbox.
    // Off (no channel configured): not reported, so the answer is what it was before offline reach.
    if (this.queue.state !== 'off') checks.queue = this.queue.state;
    if (this.queue.state === 'running') {
      const depths = await withinTimeout(this.queue.depths(), 'the job queue').catch(() => undefined);
      if (depths) {
        checks.queue_pending = String(depths.reduce((sum, depth) => sum + depth.queued, 0));
        checks.queue_failed = String(depths.reduce((sum, depth) => sum + depth.failed, 0));
      }
    }
    return { status: 'ok', checks };
  }

  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }
}
