import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../config/environment.js';

/**
 * Whether the outbox is written at all: only while a channel reads it (Web Push keys configured, or a webhook
 * URL). Off, every statement skips its event (`WHERE false`): an operator with neither pays nothing.
 */
@Injectable()
export class OutboxSwitch {
  readonly enabled: boolean;

  constructor(config: ConfigService<Environment, true>) {
    const push = Boolean(
      config.get('VAPID_PUBLIC_KEY', { infer: true }) && config.get('VAPID_PRIVATE_KEY', { infer: true }),
    );
    const webhooks = config.get('WEBHOOK_URLS', { infer: true }).length > 0;
    this.enabled = push || webhooks;
  }
}
