/*
 * Files leave storage through blob_sweep (migration Attachments): a statement that deletes attachments rows leaves
 * their keys there in its own transaction, and the sweep deletes the blobs, then the keys. A scheduled job on the
 * job queue runs a pass every minute (uploads never attached past UPLOAD_ORPHAN_HOURS lose their rows first); after
 * a message or an account is deleted, this process also sweeps at once, so a file is gone within moments of its
 * delete rather than within the minute. The job is the guarantee; the prompt sweep only makes it quick.
 *
 * The queue starts with the first upload of a process, or at boot when there is anything to sweep: a deployment
 * that never stores a file starts nothing.
 */
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Environment } from '../config/environment.js';
import { PreparedStatements } from '../database/prepared-statements.js';
import { EventBus } from '../events/event-bus.js';
import { JobQueue } from '../queue/job-queue.js';
import { DELETE_ORPHANS, FORGET_BLOBS, HAS_ATTACHMENTS, LEASE_DUE_BLOBS } from './attachment.queries.js';
import { BlobStorage } from './storage/blob-storage.js';

export const ATTACHMENT_SWEEP_QUEUE = 'attachment-sweep';
const EVERY_MINUTE = '* * * * *';
const BATCH = 500;
/** A sweeper that dies leaves its keys to the next one after this long. */
const LEASE_SECONDS = 600;

@Injectable()
export class AttachmentSweeps {
  private readonly logger = new Logger(AttachmentSweeps.name);
  private readonly orphanHours: number;
  private running?: Promise<void>;
  /** One prompt sweep at a time; a request during it asks for one more pass after it. */
  private prompt?: Promise<void>;
  private again = false;

  constructor(
    private readonly statements: PreparedStatements,
    private readonly storage: BlobStorage,
    private readonly queue: JobQueue,
    events: EventBus,
    config: ConfigService<Environment, true>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.orphanHours = config.get('UPLOAD_ORPHAN_HOURS', { infer: true });
    events.on('message.deleted', () => this.sweepSoon());
    events.on('user.sessions.revoked', ({ reason }) => {
      if (reason === 'account_deleted') this.sweepSoon();
    });
  }

  /** At boot, once the database is migrated: the sweeps start if anything is stored or waiting to be deleted. */
  async start(): Promise<void> {
    try {
      const [{ any }] = await this.statements.rows(HAS_ATTACHMENTS, []);
      if (any) await this.ensureRunning();
    } catch (error) {
      // Migrations pending (MIGRATIONS_RUN=false), or the database away: the first upload starts the sweeps.
      this.logger.warn(`File sweeps not started: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Starts the scheduled sweep in this process if it is not yet running (an upload calls this). */
  ensureRunning(): Promise<void> {
    this.running ??= this.run().catch((error: unknown) => {
      this.running = undefined;
      throw error;
    });
    return this.running;
  }

  /** One pass: orphaned uploads lose their rows, then every blob that is due is deleted. */
  async sweep(): Promise<void> {
    let deleted: number;
    do [{ deleted }] = await this.statements.rows(DELETE_ORPHANS, [this.orphanHours, BATCH]);
    while (deleted === BATCH);
    await this.deleteDueBlobs();
  }

  /** Deletes the blobs that are due, then their keys; a storage failure leaves the keys for the next pass. */
  async deleteDueBlobs(): Promise<void> {
    for (;;) {
      const keys = (await this.statements.rows(LEASE_DUE_BLOBS, [BATCH, LEASE_SECONDS])).map(({ key }) => key);
      if (keys.length === 0) return;
      await this.storage.delete(keys);
      await this.statements.rows(FORGET_BLOBS, [keys]);
      if (keys.length < BATCH) return;
    }
  }

  /** Deletes the blobs that are due now, in the background: after a commit that deleted attachments rows. */
  sweepSoon(): void {
    if (this.prompt) {
      this.again = true;
      return;
    }
    this.prompt = this.deleteDueBlobs()
      .catch((error: unknown) =>
        this.logger.warn(`Sweeping deleted files failed; the next pass retries: ${String(error)}`),
      )
      .finally(() => {
        this.prompt = undefined;
        if (this.again) {
          this.again = false;
          this.sweepSoon();
        }
      });
  }

  private async run(): Promise<void> {
    const url = (this.dataSource.options as { url: string }).url;
    // One try a tick: a pass that fails is the next minute's to redo.
    await this.queue.start(url, [{ name: ATTACHMENT_SWEEP_QUEUE, retryLimit: 0, expireInSeconds: 600 }]);
    await this.queue.schedule(ATTACHMENT_SWEEP_QUEUE, EVERY_MINUTE);
    await this.queue.work(ATTACHMENT_SWEEP_QUEUE, 1, () => this.sweep());
  }
}
