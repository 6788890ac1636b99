/*
 * Moves the outbox's events into the job queue. Each batch is one
 * transaction: the events' rows are deleted and their jobs inserted together
 * (pg-boss writes on the same connection), so an event becomes its jobs
 * exactly once, whichever instance drains it and whenever one dies: an
 * uncommitted batch leaves its rows for the next drain. This is the
 * transactional outbox; the statement that made the change wrote the event
 * (src/outbox), so a process killed right after a commit loses nothing.
 *
 * When: at once after this process's own writes (the bus's after-commit
 * events), and every second for whatever else is waiting (another instance's
 * leftovers after a crash, events without a bus announcement). pg-boss cannot
 * do this part: it queues jobs, and the outbox rows are not jobs yet.
 */
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { PreparedStatements } from '../database/prepared-statements.js';
import { EventBus } from '../events/event-bus.js';
import { JobQueue } from '../queue/job-queue.js';
import { DRAIN_OUTBOX, type OutboxRow } from './notification.queries.js';
import { PUSH_QUEUE, type PushJob, WEBHOOK_QUEUE, type WebhookJob } from './notification-queues.js';

const BATCH = 500;
const SWEEP_MS = 1_000;

export interface DrainTargets {
  /** Push jobs for new messages to users with subscriptions, due after this delay. */
  push?: { delayMs: number };
  /** One webhook job per event and URL. */
  webhookUrls: string[];
}

@Injectable()
export class OutboxDrain implements OnModuleDestroy {
  private readonly logger = new Logger(OutboxDrain.name);
  private targets?: DrainTargets;
  private running?: Promise<void>;
  private again = false;
  private sweep?: NodeJS.Timeout;

  constructor(
    private readonly statements: PreparedStatements,
    private readonly queue: JobQueue,
    private readonly events: EventBus,
  ) {}

  start(targets: DrainTargets): void {
    this.targets = targets;
    for (const name of ['message.sent', 'broadcast.sent', 'message.updated', 'message.deleted', 'chat.read'] as const) {
      this.events.on(name, () => this.wake());
    }
    this.sweep = setInterval(() => this.wake(), SWEEP_MS);
    this.sweep.unref();
    this.wake();
  }

  /** Drains now, or right after the drain in progress (which may have started before the latest commit). */
  wake(): void {
    if (!this.targets) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drainAll()
      .catch((error: unknown) =>
        this.logger.warn(`Outbox not drained (retried): ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Resolves once everything in the outbox now has been drained (tests, and a graceful stop). */
  async flush(): Promise<void> {
    this.wake();
    while (this.running) await this.running;
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.sweep);
    this.targets = undefined;
    await this.running;
  }

  private async drainAll(): Promise<void> {
    while (this.targets && (await this.drainBatch(this.targets)) === BATCH);
  }

  private drainBatch(targets: DrainTargets): Promise<number> {
    return this.statements.transaction(async (tx) => {
      const rows = await tx.rows(DRAIN_OUTBOX, [BATCH]);
      const pushes = targets.push
        ? rows.filter((row) => row.push).map((row) => pushJob(row, targets.push!.delayMs))
        : [];
      const webhooks = rows.flatMap((row) => targets.webhookUrls.map((url) => webhookJob(row, url)));
      await this.queue.insertInTransaction(tx.client, PUSH_QUEUE, pushes);
      await this.queue.insertInTransaction(tx.client, WEBHOOK_QUEUE, webhooks);
      return rows.length;
    });
  }
}

function pushJob(row: OutboxRow, delayMs: number) {
  const data: PushJob = { message_id: row.subject_id };
  return { data, startAfter: new Date(Date.parse(row.created_at) + delayMs) };
}

function webhookJob(row: OutboxRow, url: string) {
  const data: WebhookJob = {
    event_id: `msg_${row.id}`,
    type: row.type,
    timestamp: row.created_at,
    subject_id: row.subject_id,
    actor_id: row.actor_id,
    peer_id: row.peer_id,
    url,
  };
  return { data };
}
