/*
 * The queues of offline reach and their retry policies (pg-boss). A job is
 * one delivery attempt chain: retried with backoff when it throws, then kept
 * as failed; the webhook queue's failures are also copied to a dead letter
 * queue an operator can replay (docs/operations.md).
 */
import type { QueueDefinition } from '../queue/job-queue.js';

/** Decides whether a new message is pushed (still unread, recipient offline, not muted or blocked). */
export const PUSH_QUEUE = 'push';
/** One push to one subscription. */
export const PUSH_DELIVERY_QUEUE = 'push-delivery';
/** One event to one webhook URL. */
export const WEBHOOK_QUEUE = 'webhook';
/** Webhook events that failed every retry, kept for the operator. */
export const WEBHOOK_FAILED_QUEUE = 'webhook-failed';

export interface PushJob {
  message_id: string;
}

export interface PushDeliveryJob {
  subscription_id: number;
  message_id: string;
  /** Deliveries rescheduled after a Retry-After so far (a pg-boss retry does not count here). */
  deferrals?: number;
}

export interface WebhookJob {
  /** `msg_<outbox id>`: the webhook-id header, the same on every retry of this event. */
  event_id: string;
  type: string;
  /** When the event happened (ISO 8601): the payload's `timestamp`. */
  timestamp: string;
  subject_id: string;
  actor_id: number | null;
  peer_id: number | null;
  url: string;
}

/** A push is worth little after a few minutes; retried briefly, then dropped (the message stays unread). */
const PUSH_RETRIES = { retryLimit: 5, retryDelay: 5, retryBackoff: true, retryDelayMax: 300 };

export function notificationQueues(webhookRetries: {
  retryLimit: number;
  retryDelay: number;
  retryBackoff: boolean;
  retryDelayMax: number;
}): QueueDefinition[] {
  return [
    { name: PUSH_QUEUE, retryLimit: 3, retryDelay: 2, retryBackoff: true },
    { name: PUSH_DELIVERY_QUEUE, ...PUSH_RETRIES },
    // The dead letter queue exists before the queue that names it. Its jobs wait for an operator: kept 30 days.
    { name: WEBHOOK_FAILED_QUEUE, retentionSeconds: 30 * 24 * 3600 },
    { name: WEBHOOK_QUEUE, ...webhookRetries, deadLetter: WEBHOOK_FAILED_QUEUE },
  ];
}
