/*
 * How long and how often a webhook event is retried. pg-boss's backoff waits
 * between 1x and 2x of `retryDelay * 2^n` before retry n (jitter, so a
 * receiver that comes back is not hit by every event at once), capped at
 * `retryDelayMax`. The limit is the number of retries whose shortest waits add
 * up to the configured hours: an event is retried for at least that long (at
 * most about twice), then kept as failed.
 */
import type { QueueDefinition } from '../../queue/job-queue.js';

/** No wait between two attempts is longer than an hour, however long the retries go on. */
const MAX_DELAY_SECONDS = 3600;

export type RetryPolicy = Required<
  Pick<QueueDefinition, 'retryLimit' | 'retryDelay' | 'retryBackoff' | 'retryDelayMax'>
>;

export function retryPolicy(hours: number, firstDelaySeconds: number): RetryPolicy {
  const retryDelayMax = Math.max(MAX_DELAY_SECONDS, firstDelaySeconds);
  let retryLimit = 0;
  for (let waited = 0; waited < hours * 3600; retryLimit++) {
    waited += Math.min(retryDelayMax, firstDelaySeconds * 2 ** retryLimit);
  }
  return { retryLimit, retryDelay: firstDelaySeconds, retryBackoff: true, retryDelayMax };
}
