import { Module } from '@nestjs/common';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { Notifications } from './notifications.service.js';
import { OutboxDrain } from './outbox-drain.js';
import { PushJobs } from './push-jobs.js';
import { PushModule } from './push/push.module.js';
import { WebhookJobs } from './webhook-jobs.js';
import { WebhookSender } from './webhooks/webhook-sender.js';

/*
 * Offline reach (Web Push and webhooks), beside realtime at the top: it reads what the features wrote to the
 * outbox and asks realtime's Presence who is connected. No feature imports it.
 */
@Module({
  imports: [RealtimeModule, PushModule],
  providers: [Notifications, OutboxDrain, PushJobs, WebhookJobs, WebhookSender],
  exports: [Notifications],
})
export class NotificationsModule {}
