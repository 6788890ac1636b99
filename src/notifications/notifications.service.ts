/*
 * Offline reach at start: once the database is connected and migrated, start
 * the job queue, its workers and the outbox drain, but only while a channel is
 * on (Web Push keys, or a webhook URL; OutboxSwitch). With none, nothing
 * starts and no statement writes an event.
 */
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Environment } from '../config/environment.js';
import { OutboxSwitch } from '../outbox/outbox-switch.js';
import { JobQueue } from '../queue/job-queue.js';
import {
  notificationQueues,
  PUSH_DELIVERY_QUEUE,
  PUSH_QUEUE,
  type PushDeliveryJob,
  type PushJob,
  WEBHOOK_QUEUE,
  type WebhookJob,
} from './notification-queues.js';
import { OutboxDrain } from './outbox-drain.js';
import { PushJobs } from './push-jobs.js';
import { VapidKeys } from './push/vapid-keys.js';
import { WebhookJobs } from './webhook-jobs.js';
import { retryPolicy } from './webhooks/retry-policy.js';

/** Jobs a process runs at once per queue: deliveries wait on the network, not the CPU. */
const CONCURRENCY = 8;

@Injectable()
export class Notifications {
  private readonly logger = new Logger(Notifications.name);

  constructor(
    private readonly outbox: OutboxSwitch,
    private readonly queue: JobQueue,
    private readonly drain: OutboxDrain,
    private readonly pushJobs: PushJobs,
    private readonly webhookJobs: WebhookJobs,
    private readonly vapid: VapidKeys,
    private readonly config: ConfigService<Environment, true>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async start(): Promise<void> {
    if (!this.outbox.enabled) return;
    if (this.config.get('NOTIFICATION_WORKERS', { infer: true }) === 'false') {
      // Its statements still write the outbox; instances with workers drain and deliver it.
      this.logger.log('Offline reach: events are written here and delivered by instances with NOTIFICATION_WORKERS');
      return;
    }
    const webhookUrls = this.config.get('WEBHOOK_URLS', { infer: true });
    const url = (this.dataSource.options as { url: string }).url;
    await this.queue.start(
      url,
      notificationQueues(
        this.config.get('PUSH_RETRY_DELAY_SECONDS', { infer: true }),
        retryPolicy(
          this.config.get('WEBHOOK_RETRY_HOURS', { infer: true }),
          this.config.get('WEBHOOK_RETRY_DELAY_SECONDS', { infer: true }),
        ),
      ),
    );
    if (this.vapid.enabled) {
      await this.queue.work<PushJob>(PUSH_QUEUE, CONCURRENCY, (job) => this.pushJobs.decide(job));
      await this.queue.work<PushDeliveryJob>(PUSH_DELIVERY_QUEUE, CONCURRENCY, (job) => this.pushJobs.deliver(job));
    }
    if (webhookUrls.length > 0) {
      await this.queue.work<WebhookJob>(WEBHOOK_QUEUE, CONCURRENCY, (job) => this.webhookJobs.deliver(job));
    }
    this.drain.start({
      push: this.vapid.enabled ? { delayMs: this.config.get('PUSH_DELAY_MS', { infer: true }) } : undefined,
      webhookUrls,
    });
    this.logger.log(
      `Offline reach on: Web Push ${this.vapid.enabled ? 'on' : 'off'}, webhooks to ${webhookUrls.length} URL(s)`,
    );
  }
}
