/*
 * One push to one subscription (RFC 8030), its payload encrypted for that
 * browser (RFC 8291, aes128gcm) and signed with our VAPID key (RFC 8292) by
 * `web-push`. The request itself is ours: web-push's sendNotification always
 * speaks https (an `http:` endpoint of a local test or development push
 * service fails with EPROTO), while generateRequestDetails plus our own POST
 * (outbound-post.ts) serves both, with TLS verified as usual (a private CA comes in through
 * NODE_EXTRA_CA_CERTS, never by turning verification off). Redirects are not
 * followed: only the push service the browser named is ever called.
 */
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import webPush from 'web-push';
import type { Environment } from '../../config/environment.js';
import { type OutboundAnswer, postOnce } from '../outbound-post.js';
import { refuseEndpoint } from './endpoint-policy.js';
import { VapidKeys } from './vapid-keys.js';

/** How long a push service keeps a push for a device that is asleep: after a day a message is old news. */
const TTL_SECONDS = 24 * 3600;
const TIMEOUT_MS = 10_000;

export interface PushTarget {
  endpoint: string;
  p256dh: string;
  auth: string;
}

export type PushOutcome =
  | { kind: 'delivered' }
  /** 404/410: the subscription expired or the browser unsubscribed; it never comes back. */
  | { kind: 'gone' }
  /** Another 4xx: this push will never be accepted (too large, bad key); logged and dropped. */
  | { kind: 'rejected'; reason: string }
  /** 429, 5xx or no answer: worth another try, when the push service says (Retry-After) or with backoff. */
  | { kind: 'retry'; reason: string; retryAfterSeconds?: number };

@Injectable()
export class PushSender {
  /** Whether a push carries the first words of the message (PUSH_PREVIEWS). */
  readonly previews: boolean;
  private readonly allowInsecure: boolean;

  constructor(
    private readonly vapid: VapidKeys,
    config: ConfigService<Environment, true>,
  ) {
    this.previews = config.get('PUSH_PREVIEWS', { infer: true });
    this.allowInsecure = config.get('PUSH_ALLOW_INSECURE_ENDPOINTS', { infer: true });
  }

  async send(target: PushTarget, payload: object, topic: string): Promise<PushOutcome> {
    if (!this.vapid.details) return { kind: 'rejected', reason: 'Web Push is off (no VAPID keys)' };
    // Again at each push: the host may have been re-pointed at an internal address since registration.
    const refused = await refuseEndpoint(target.endpoint, this.allowInsecure);
    if (refused) return { kind: 'rejected', reason: refused };
    let request: webPush.RequestDetails;
    try {
      request = webPush.generateRequestDetails(
        { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
        JSON.stringify(payload),
        { vapidDetails: this.vapid.details, TTL: TTL_SECONDS, urgency: 'high', topic, contentEncoding: 'aes128gcm' },
      );
    } catch (error) {
      // A key the browser never made (the subscription was validated, but not by encrypting to it).
      return { kind: 'rejected', reason: `cannot encrypt for this subscription: ${String(error)}` };
    }
    let answer: OutboundAnswer;
    try {
      answer = await postOnce(request.endpoint, request.headers, request.body as Buffer, TIMEOUT_MS);
    } catch (error) {
      return { kind: 'retry', reason: `no answer: ${String(error)}` };
    }
    const { status } = answer;
    if (status >= 200 && status < 300) return { kind: 'delivered' };
    if (status === 404 || status === 410) return { kind: 'gone' };
    if (status === 429 || status >= 500) {
      return {
        kind: 'retry',
        reason: `answered ${status}`,
        retryAfterSeconds: retryAfter(answer.header('retry-after')),
      };
    }
    return { kind: 'rejected', reason: `answered ${status}` };
  }
}

/** Retry-After as seconds from now: delay-seconds or an HTTP date (RFC 9110 10.2.3); undefined when absent or bad. */
export function retryAfter(header: string | undefined, now = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
