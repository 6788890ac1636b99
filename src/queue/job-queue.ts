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
import { type Job, type JobInsert, PgBoss, type Queue, type SendOptions } from 'pg-boss';

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

@Injectable()
export class JobQueue implements OnModuleDestroy {
  private readonly logger = new Logger(JobQueue.name);
  private boss?: PgBoss;
  /** Off: no channel needs it (nothing was started). */
  state: 'off' | 'starting' | 'running' = 'off';

  /** Starts pg-boss on `databaseUrl` and creates `queues`; until then nothing here may be called but `state`. */
  async start(databaseUrl: string, queues: QueueDefinition[]): Promise<void> {
    this.state = 'starting';
    const boss = new PgBoss({ connectionString: databaseUrl, max: POOL_SIZE, application_name: 'parley-queue' });
    // An error in a background pass (maintenance, a lost connection) is pg-boss's to retry; never a crash.
    boss.on('error', (error: Error) => this.logger.warn(`Job queue: ${error.message}`));
    await boss.start();
    for (const queue of queues) {
      const { name, ...options } = queue;
      if (await boss.getQueue(name)) await boss.updateQueue(name, options);
      else await boss.createQueue(name, options);
    }
    this.boss = boss;
    this.state = 'running';
  }

  /** Runs `handler` for each job of `queue`, one at a time per `concurrency` slot; a throw is a failed attempt. */
  async work<T extends object>(
    queue: string,
    concurrency: number,
    handler: (job: Job<T>) => Promise<void>,
  ): Promise<void> {
    await this.started().work<T>(queue, { localConcurrency: concurrency, pollingIntervalSeconds: 1 }, async ([job]) =>
      handler(job),
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
    const boss = this.boss;
    this.boss = undefined;
    this.state = 'off';
    // Graceful: running jobs get a few seconds to finish; the rest stay in the queue for the next instance.
    await boss?.stop({ graceful: true, timeout: 5_000 });
  }

  private started(): PgBoss {
    if (!this.boss) throw new Error('The job queue is not started');
    return this.boss;
  }
}
