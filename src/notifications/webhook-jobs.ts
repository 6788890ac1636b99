/*
 * One webhook event to one URL (Standard Webhooks): signed, with the event's
 * id as `webhook-id` on every attempt, so a receiver dedupes retries by it.
 * The payload is read at delivery, not stored with the job: a message deleted
 * before its `message.created` is delivered arrives as its tombstone, and an
 * erased account's name is not in any queue. A throw is a failed attempt:
 * pg-boss retries with growing delays for WEBHOOK_RETRY_HOURS, then keeps the
 * event in `webhook-failed` (docs/webhooks.md).
 */
import { Injectable } from '@nestjs/common';
import type { Job } from 'pg-boss';
import { PreparedStatements } from '../database/prepared-statements.js';
import { toMessageDto } from '../messages/message.mapper.js';
import { observers } from '../observability/hooks.js';
import { WEBHOOK_MESSAGE, WEBHOOK_REPORT, WEBHOOK_USER } from './notification.queries.js';
import type { WebhookJob } from './notification-queues.js';
import { WebhookSender } from './webhooks/webhook-sender.js';

@Injectable()
export class WebhookJobs {
  constructor(
    private readonly statements: PreparedStatements,
    private readonly sender: WebhookSender,
  ) {}

  async deliver(job: Job<WebhookJob>): Promise<void> {
    const event = job.data;
    const outcome = await this.sender.send(event.url, {
      id: event.event_id,
      type: event.type,
      timestamp: new Date(event.timestamp),
      data: await this.data(event),
    });
    observers.delivery?.('webhook', outcome.kind === 'delivered' ? 'delivered' : 'failed');
    if (outcome.kind !== 'delivered') {
      throw new Error(`Webhook ${event.event_id} to ${event.url} not delivered: ${outcome.reason}`);
    }
  }

  private async data(event: WebhookJob): Promise<object> {
    switch (event.type) {
      case 'message.created':
      case 'message.updated':
      case 'message.deleted': {
        const row = await this.statements.row(WEBHOOK_MESSAGE, [event.subject_id]);
        // Gone only with its users' rows, which accounts never lose (erasure keeps the id): kept general anyway.
        return row ? toMessageDto(row) : { id: Number(event.subject_id) };
      }
      case 'message.read':
        return {
          reader_id: event.actor_id,
          sender_id: event.peer_id,
          up_to_id: Number(event.subject_id),
          read_at: event.timestamp,
        };
      case 'user.created': {
        const user = await this.statements.row(WEBHOOK_USER, [event.subject_id]);
        return { user_id: Number(event.subject_id), username: user?.username ?? null, created: user?.created ?? null };
      }
      case 'user.deleted':
        return { user_id: Number(event.subject_id) };
      case 'report.created': {
        const report = await this.statements.row(WEBHOOK_REPORT, [event.subject_id]);
        return {
          report_id: Number(event.subject_id),
          reporter_id: report?.reporter_id ?? event.actor_id,
          user_id: report?.reported_user_id ?? event.peer_id,
          message_id: report?.message_id ? Number(report.message_id) : null,
          reason: report?.reason ?? null,
          created: report?.created ?? event.timestamp,
        };
      }
      default:
        return {};
    }
  }
}
