/*
 * One signed POST of one event to one receiver (Standard Webhooks): the
 * envelope `{type, timestamp, data}`, `webhook-id` (the event's, the same on
 * every retry, so a receiver dedupes by it), `webhook-timestamp` (this
 * attempt's, which receivers check against replay) and `webhook-signature`,
 * made by the `standardwebhooks` library receivers verify with. Every attempt
 * has a timeout, and a redirect is a failure, never followed: the operator
 * named the URL, and a receiver must not bounce signed events elsewhere.
 */
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Webhook } from 'standardwebhooks';
import type { Environment } from '../../config/environment.js';
import { postOnce } from '../outbound-post.js';

export interface OutgoingWebhook {
  /** `msg_<outbox id>`. */
  id: string;
  type: string;
  /** When the change happened. */
  timestamp: Date;
  data: object;
}

export type WebhookOutcome = { kind: 'delivered'; status: number } | { kind: 'failed'; reason: string };

@Injectable()
export class WebhookSender {
  private readonly signer?: Webhook;
  private readonly timeoutMs: number;

  constructor(config: ConfigService<Environment, true>) {
    const secret = config.get('WEBHOOK_SECRET', { infer: true });
    // Validated with WEBHOOK_URLS at boot: without URLs nothing is sent and no secret is needed.
    this.signer = secret ? new Webhook(secret) : undefined;
    this.timeoutMs = config.get('WEBHOOK_TIMEOUT_MS', { infer: true });
  }

  async send(url: string, event: OutgoingWebhook): Promise<WebhookOutcome> {
    if (!this.signer) return { kind: 'failed', reason: 'WEBHOOK_SECRET is not set' };
    const body = JSON.stringify({ type: event.type, timestamp: event.timestamp.toISOString(), data: event.data });
    const attemptedAt = new Date();
    try {
      const answer = await postOnce(
        url,
        {
          'content-type': 'application/json',
          'user-agent': 'Parley-Webhooks/1',
          'webhook-id': event.id,
          'webhook-timestamp': String(Math.floor(attemptedAt.getTime() / 1000)),
          'webhook-signature': this.signer.sign(event.id, attemptedAt, body),
        },
        body,
        this.timeoutMs,
      );
      if (answer.status >= 200 && answer.status < 300) return { kind: 'delivered', status: answer.status };
      return { kind: 'failed', reason: `answered ${answer.status}` };
    } catch (error) {
      const reason =
        error instanceof Error && error.name === 'TimeoutError' ? `no answer in ${this.timeoutMs} ms` : String(error);
      return { kind: 'failed', reason };
    }
  }
}
