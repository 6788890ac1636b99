/*
 * When a message is pushed, and the push itself. A push job runs
 * PUSH_DELAY_MS after the send; it pushes only if the message is still unread
 * and its recipient has no connected socket on any instance (Zulip's trap of
 * a hard disconnect is covered: presence is asked at that moment, not
 * remembered), never for a muted chat or across a block, and not when a
 * later unread message from the same sender will push anyway: a burst
 * becomes one notification. Each subscription then gets its own delivery
 * job, so one dead browser neither delays nor repeats the others.
 */
import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'pg-boss';
import { PreparedStatements } from '../database/prepared-statements.js';
import { observers } from '../observability/hooks.js';
import { JobQueue } from '../queue/job-queue.js';
import { Presence } from '../realtime/presence.js';
import {
  DELETE_SUBSCRIPTION,
  PUSH_CANDIDATE,
  PUSH_DELIVERY,
  type PushDeliveryRow,
  SUBSCRIPTIONS_OF,
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

@Injectable()
export class PushJobs {
  private readonly logger = new Logger(PushJobs.name);

  constructor(
    private readonly statements: PreparedStatements,
    private readonly queue: JobQueue,
    private readonly presence: Presence,
    private readonly sender: PushSender,
  ) {}

  /** Decides; the outcome is counted as the delivery's when nothing is sent. */
  async decide(job: Job<PushJob>): Promise<void> {
    const candidate = await this.statements.row(PUSH_CANDIDATE, [job.data.message_id]);
    const skipped = !candidate
      ? 'read_or_deleted'
      : candidate.blocked
        ? 'blocked'
        : candidate.muted
          ? 'muted'
          : candidate.superseded
            ? 'collapsed'
            : (await this.presence.isConnected(candidate.recipient_id))
              ? 'online'
              : undefined;
    if (skipped || !candidate) {
      observers.delivery?.('push', `skipped_${skipped}`);
      return;
    }
    const subscriptions = await this.statements.rows(SUBSCRIPTIONS_OF, [candidate.recipient_id]);
    for (const { id } of subscriptions) {
      const data: PushDeliveryJob = { subscription_id: id, message_id: job.data.message_id };
      await this.queue.send(PUSH_DELIVERY_QUEUE, data);
    }
  }

  async deliver(job: Job<PushDeliveryJob>): Promise<void> {
    const { subscription_id: subscriptionId, message_id: messageId } = job.data;
    const row = await this.statements.row(PUSH_DELIVERY, [subscriptionId, messageId]);
    if (!row) {
      observers.delivery?.('push', 'skipped_read_or_deleted');
      return;
    }
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
        await this.statements.rows(DELETE_SUBSCRIPTION, [subscriptionId]);
        return;
      case 'rejected':
        this.logger.warn(`Push to subscription ${subscriptionId} refused: ${outcome.reason}; dropped`);
        return;
      case 'retry': {
        const deferrals = job.data.deferrals ?? 0;
        if (outcome.retryAfterSeconds !== undefined && deferrals < MAX_DEFERRALS) {
          // The push service said when: a new attempt then, rather than pg-boss's own backoff.
          const data: PushDeliveryJob = { ...job.data, deferrals: deferrals + 1 };
          await this.queue.send(PUSH_DELIVERY_QUEUE, data, { startAfter: outcome.retryAfterSeconds });
          return;
        }
        throw new Error(`Push to subscription ${subscriptionId} not delivered: ${outcome.reason}`);
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
