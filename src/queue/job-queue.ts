/*
 * The durable job queue: pg-boss, with its jobs in the schema `pgboss` of
 * Parley's own database. The embedded default then needs nothing else, an
 * operator runs no new server, and a job survives a restart of the database
 * and of every instance. pg-boss creates and migrates that schema itself at
 * start (its versioned migrations, under its own lock), so Parley's
 * migrations never touch it. Several instances share the queue: a job is
 * fetched with FOR UPDATE SKIP LOCKED, so one instance runs it at a time.
 *
 * Its own small pool, apart from the request pool: a burst of deliveries
 * never holds a connection a request is waiting for.
 */
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type pg from 'pg';
import type { Job, JobInsert, JobResult, PgBoss, Queue, SendOptions } from 'pg-boss';

/** A queue and its retry policy, created (or updated) at start. */
export type QueueDefinition = Queue;

export interface QueueDepth {
  name: string;
  /** Waiting to run: due now, or deferred (a delay, a backoff). */
  queued: number;
  active: number;
  /** Kept as failed after the last retry (a dead letter queue holds its copies as queued). */
  failed: number;
  /** How long the oldest job that is due has waited, in seconds; null when none is. */
  oldestReadySeconds: number | null;
}

const POOL_SIZE = 4;
/** The backstop poll of an idle queue, in seconds; NOTIFY wakes it sooner. */
const POLL_SECONDS = 1;
const SUPERVISE_SECONDS = 10;

@Injectable()
export class JobQueue implements OnModuleDestroy {
  private readonly logger = new Logger(JobQueue.name);
  private boss?: PgBoss;
  private starting?: Promise<PgBoss>;
  /** Off: no channel needs it (nothing was started). */
  state: 'off' | 'starting' | 'running' = 'off';

  /**
   * Starts pg-boss on `databaseUrl` (once: later calls share that start) and creates or updates `queues`. Each
   * feature that needs jobs calls it with its own queues; until it resolves nothing here may be called but `state`.
   */
  async start(databaseUrl: string, queues: QueueDefinition[]): Promise<void> {
    if (!this.starting) {
      this.state = 'starting';
      this.starting = this.startBoss(databaseUrl).catch((error: unknown) => {
        this.starting = undefined;
        this.state = 'off';
        throw error;
      });
    }
    const boss = await this.starting;
    for (const queue of queues) {
      const { name, ...definition } = queue;
      const options = { notify: true, ...definition };
      if (await boss.getQueue(name)) await boss.updateQueue(name, options);
      else await boss.createQueue(name, options);
    }
  }

  private async startBoss(databaseUrl: string): Promise<PgBoss> {
    // LISTEN/NOTIFY (one more connection): a job created wakes the workers of its queue at once.
    // Loaded only here: pg-boss brings @opentelemetry/api, which a service without offline reach never loads.
    const { PgBoss } = await import('pg-boss');
    const boss = new PgBoss({
      connectionString: databaseUrl,
      max: POOL_SIZE,
      application_name: 'parley-queue',
      useListenNotify: true,
      // How often jobs whose heartbeat stopped or that expired are found and retried (pg-boss's default: 60 s).
      superviseIntervalSeconds: SUPERVISE_SECONDS,
      monitorIntervalSeconds: SUPERVISE_SECONDS,
    });
    // An error in a background pass (maintenance, a lost connection) is pg-boss's to retry; never a crash.
    boss.on('error', (error: Error) => this.logger.warn(`Job queue: ${error.message}`));
    await boss.start();
    this.boss = boss;
    this.state = 'running';
    return boss;
  }

  /** Sends a job to `queue` on the cron `cron` (UTC), from whichever instance's clock comes first: once a tick. */
  async schedule(queue: string, cron: string): Promise<void> {
    await this.started().schedule(queue, cron);
  }

  /**
   * Runs `handler` for each job of `queue`, up to `concurrency` at once in this process; a throw fails that job
   * alone (retried by its queue's policy). Jobs are fetched in batches of up to `concurrency`, handled side by
   * side, and while a fetch comes back full the next follows at once (burst): a backlog drains as fast as the
   * handlers go, not one batch per poll. An idle queue is woken by NOTIFY when a job is created (the poll is
   * only a backstop).
   */
  async work<T extends object>(
    queue: string,
    concurrency: number,
    handler: (job: Job<T>) => Promise<void>,
  ): Promise<void> {
    await this.started().work<T>(
      queue,
      {
        batchSize: concurrency,
        perJobResults: true,
        burstWhenBatchFull: true,
        pollingIntervalSeconds: POLL_SECONDS,
        notifyPollingIntervalSeconds: POLL_SECONDS,
      },
      async (jobs): Promise<JobResult[]> => {
        const outcomes = await Promise.allSettled(jobs.map((job) => handler(job)));
        return outcomes.map((outcome, i) => ({
          id: jobs[i].id,
          status: outcome.status === 'fulfilled' ? 'completed' : 'failed',
          output: outcome.status === 'fulfilled' ? undefined : { message: String(outcome.reason) },
        }));
      },
    );
  }

  async send(queue: string, data: object, options: SendOptions = {}): Promise<void> {
    await this.started().send(queue, data, options);
  }

  /** Inserts jobs on `client`, inside the caller's transaction: they exist if and only if it commits. */
  async insertInTransaction(client: pg.PoolClient, queue: string, jobs: JobInsert[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.started().insert(queue, jobs, {
      db: { executeSql: (text, values) => client.query(text, values as unknown[]) },
    });
  }

  /** Every queue's depth, for the metrics and readiness. */
  async depths(): Promise<QueueDepth[]> {
    const queues = await this.started().getQueues();
    // pg-boss's own queues (`__pgboss__…`, its scheduler) are its business, not an operator's.
    return queues
      .filter((queue) => !queue.name.startsWith('__pgboss'))
      .map((queue) => ({
        name: queue.name,
        queued: queue.queuedCount + queue.deferredCount,
        active: queue.activeCount,
        failed: queue.failedCount,
        oldestReadySeconds: queue.readyOldestSeconds,
      }));
  }

  /** Moves the jobs of a dead letter queue back to the queue they failed in (an operator's replay). */
  async redrive(deadLetterQueue: string): Promise<number> {
    return this.started().redrive(deadLetterQueue);
  }

  async onModuleDestroy(): Promise<void> {
    const boss = this.boss ?? (await this.starting?.catch(() => undefined));
    this.boss = undefined;
    this.starting = undefined;
    this.state = 'off';
    // Graceful: running jobs get a few seconds to finish; the rest stay in the queue for the next instance.
    await boss?.stop({ graceful: true, timeout: 5_000 });
  }

  private started(): PgBoss {
    if (!this.boss) throw new Error('The job queue is not started');
    return this.boss;
  }
}
