/*
 * When a message is pushed, and the push itself. A push job runs
 * PUSH_DELAY_MS after the send; it pushes only if the message is still unread
 * and its recipient has no active socket on any instance. Both of Zulip's
 * traps are covered: presence is asked at that moment, not remembered (a hard
 * disconnect), and a socket whose client said it is away (presence.away: a
 * hidden tab, an idle user) does not count (a desktop that looks online),
 * never for a muted chat or across a block, and not when a
 * later unread message from the same sender will push anyway: a burst
 * becomes one notification. One statement decides and reads the payload and
 * every subscription; the first attempt to each runs at once, side by side,
 * and only a subscription whose push service asks for a retry gets its own
 * `push-delivery` job, so one dead browser neither delays nor repeats the
 * others. (A job per subscription from the start cost a job insert, fetch and
 * completion and two more statements per push: the bench measured delivery
 * CPU, docs/performance.md.)
 */
import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Job } from 'pg-boss';
import type { Environment } from '../config/environment.js';
import { PreparedStatements } from '../database/prepared-statements.js';
import { observers } from '../observability/hooks.js';
import { JobQueue } from '../queue/job-queue.js';
import { Presence } from '../realtime/presence.js';
import {
  DELETE_SUBSCRIPTION,
  PUSH_DELIVERY,
  PUSH_TARGETS,
  type PushDeliveryRow,
  type PushTargetRow,
} from './notification.queries.js';
import { PUSH_DELIVERY_QUEUE, type PushDeliveryJob, type PushJob } from './notification-queues.js';
import { PushSender } from './push/push-sender.js';

/** How many times a push service's Retry-After is honoured for one delivery before it is given up. */
const MAX_DEFERRALS = 5;
const PREVIEW_LENGTH = 120;

/** What the service worker receives, decrypted (docs/webhooks.md, "Web Push payload"). */
export interface PushPayload {
  type: 'message.new';
  message_id: number;
  sender_id: number;
  sender_username: string | null;
  preview?: string;
}

/** A push target with a subscription (the query's one row for a recipient without any has nulls). */
type Subscribed<T> = T & { subscription_id: number; endpoint: string; p256dh: string; auth: string };

@Injectable()
export class PushJobs {
  private readonly logger = new Logger(PushJobs.name);
  /** PUSH_RETRY_DELAY_SECONDS: when a first attempt that asked for a retry gets its second. */
  private readonly retryDelaySeconds: number;

  constructor(
    private readonly statements: PreparedStatements,
    private readonly queue: JobQueue,
    private readonly presence: Presence,
    private readonly sender: PushSender,
    config: ConfigService<Environment, true>,
  ) {
    this.retryDelaySeconds = config.get('PUSH_RETRY_DELAY_SECONDS', { infer: true });
  }

  /** Decides, then makes the first attempt to each subscription; when nothing is sent, why is counted. */
  async decide(job: Job<PushJob>): Promise<void> {
    const targets = await this.statements.rows(PUSH_TARGETS, [job.data.message_id]);
    const candidate = targets[0];
    const skipped = !candidate
      ? 'read_or_deleted'
      : candidate.blocked
        ? 'blocked'
        : candidate.muted
          ? 'muted'
          : candidate.superseded
            ? 'collapsed'
            : (await this.presence.isActive(candidate.recipient_id))
              ? 'online'
              : undefined;
    if (skipped || !candidate) {
      observers.delivery?.('push', `skipped_${skipped}`);
      return;
    }
    await Promise.all(
      targets
        .filter((target): target is Subscribed<PushTargetRow> => target.subscription_id !== null)
        .map((target) =>
          this.attempt(target, { subscription_id: target.subscription_id, message_id: target.message_id }, false),
        ),
    );
  }

  /** A retry of one subscription's push (a `push-delivery` job). */
  async deliver(job: Job<PushDeliveryJob>): Promise<void> {
    const row = await this.statements.row(PUSH_DELIVERY, [job.data.subscription_id, job.data.message_id]);
    if (!row) {
      observers.delivery?.('push', 'skipped_read_or_deleted');
      return;
    }
    await this.attempt(row, job.data, true);
  }

  /**
   * One attempt. A push service's Retry-After schedules a new `push-delivery` job then; another failure worth a
   * retry is a new job with the queue's delay on a first attempt, or a throw (pg-boss's backoff) on a retry.
   */
  private async attempt(row: PushDeliveryRow, data: PushDeliveryJob, isRetry: boolean): Promise<void> {
    const outcome = await this.sender.send(
      { endpoint: row.endpoint, p256dh: row.p256dh, auth: row.auth },
      this.payload(row),
      conversationTopic(row.sender_id, row.recipient_id),
    );
    observers.delivery?.('push', outcome.kind);
    switch (outcome.kind) {
      case 'delivered':
        return;
      case 'gone':
        // 404/410: the browser unsubscribed or the subscription expired; it never comes back.
        await this.statements.rows(DELETE_SUBSCRIPTION, [data.subscription_id]);
        return;
      case 'rejected':
        this.logger.warn(`Push to subscription ${data.subscription_id} refused: ${outcome.reason}; dropped`);
        return;
      case 'retry': {
        const deferrals = data.deferrals ?? 0;
        if (outcome.retryAfterSeconds !== undefined && deferrals < MAX_DEFERRALS) {
          // The push service said when: a new attempt then, rather than pg-boss's own backoff.
          const next: PushDeliveryJob = { ...data, deferrals: deferrals + 1 };
          await this.queue.send(PUSH_DELIVERY_QUEUE, next, { startAfter: outcome.retryAfterSeconds });
          return;
        }
        if (!isRetry) {
          // The first attempt ran inside the push job: its retries are this subscription's own job.
          await this.queue.send(PUSH_DELIVERY_QUEUE, data, { startAfter: this.retryDelaySeconds });
          return;
        }
        throw new Error(`Push to subscription ${data.subscription_id} not delivered: ${outcome.reason}`);
      }
    }
  }

  private payload(row: PushDeliveryRow): PushPayload {
    return {
      type: 'message.new',
      message_id: Number(row.message_id),
      sender_id: row.sender_id,
      sender_username: row.sender_username,
      ...(this.sender.previews ? { preview: row.body.slice(0, PREVIEW_LENGTH) } : {}),
    };
  }
}

/**
 * The Topic header (RFC 8030 5.4): one per conversation, so the push service keeps only the latest of a burst for
 * a device that is asleep. Opaque (a hash, 32 base64url characters): the push service learns no user ids.
 */
export function conversationTopic(senderId: number, recipientId: number): string {
  return createHash('sha256').update(`parley:${senderId}:${recipientId}`).digest('base64url').slice(0, 32);
}
