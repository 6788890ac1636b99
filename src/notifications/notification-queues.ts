/*
 * The queues of offline reach and their retry policies (pg-boss). A job is
 * one delivery attempt chain: retried with backoff when it throws, then kept
 * as failed; the webhook queue's failures are also copied to a dead letter
 * queue an operator can replay (docs/operations.md).
 */
import type { QueueDefinition } from '../queue/job-queue.js';
import type { RetryPolicy } from './webhooks/retry-policy.js';

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

/**
 * A job whose worker stopped reporting for this long (pg-boss's heartbeat, sent every 5 s while the handler runs)
 * was lost: its instance died mid-delivery, or the connection that would have recorded the outcome dropped (a
 * database restart). pg-boss then counts the attempt as failed and retries it. Without it a lost job would wait
 * out the expiry, which must be longer than the slowest attempt.
 */
const HEARTBEAT_SECONDS = 10;
/** The hard bound on one batch's handler; every attempt is far below it (a push 10 s, a webhook at most 60 s). */
const EXPIRE_SECONDS = 120;
const LOST_JOBS = { heartbeatSeconds: HEARTBEAT_SECONDS, expireInSeconds: EXPIRE_SECONDS };

/**
 * The queues and their retries. A push is worth little after a few minutes: retried briefly from
 * `pushRetryDelaySeconds` (PUSH_RETRY_DELAY_SECONDS), at most 5 minutes apart, then dropped (the message stays
 * unread). A webhook event is retried for WEBHOOK_RETRY_HOURS (retry-policy.ts).
 */
export function notificationQueues(pushRetryDelaySeconds: number, webhookRetries: RetryPolicy): QueueDefinition[] {
  return [
    { name: PUSH_QUEUE, retryLimit: 3, retryDelay: 2, retryBackoff: true, ...LOST_JOBS },
    {
      name: PUSH_DELIVERY_QUEUE,
      ...LOST_JOBS,
      retryLimit: 5,
      retryDelay: pushRetryDelaySeconds,
      retryBackoff: true,
      retryDelayMax: Math.max(300, pushRetryDelaySeconds),
    },
    // The dead letter queue exists before the queue that names it. Its jobs wait for an operator: kept 30 days.
    { name: WEBHOOK_FAILED_QUEUE, retentionSeconds: 30 * 24 * 3600 },
    { name: WEBHOOK_QUEUE, ...webhookRetries, deadLetter: WEBHOOK_FAILED_QUEUE, ...LOST_JOBS },
  ];
}
