/*
 * The search indexer: turns the messages the triggers noted in search_pending (migration MessageSearch) into
 * message_search rows, in batches, after their commit. Every instance runs one; a batch at a time runs across all
 * of them (an advisory lock), so an edit is never indexed with its old text after its new one.
 *
 * It polls every SEARCH_INDEX_INTERVAL_MS while there is nothing to do, runs batch after batch while a backlog
 * lasts, and a send or an edit in this process wakes it at once; under a stream of writes it runs one batch an
 * interval, so the cost of a batch is shared by many messages (docs/search.md has the measured window). A poll, not a job per message: pg-boss costs about 1.3 ms of
 * database CPU per job (docs/performance.md, offline reach), more than indexing a whole batch of messages takes,
 * and no schedule of pg-boss's runs more often than once a minute.
 *
 * It has a connection of its own, apart from the pool requests use (DB_POOL_SIZE): a backlog (a migration's, a
 * send_to_all's 100 000 messages) is worked through without ever making a request wait for a connection.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import { DataSource } from 'typeorm';
import type { Environment } from '../config/environment.js';
import { reportPgErrors } from '../database/pg-errors.js';
import { inTransaction } from '../database/prepared-statements.js';
import { EventBus } from '../events/event-bus.js';
import { INDEX_BATCH, TRY_INDEX_LOCK } from './search.queries.js';

/** Messages per batch: one statement, and a short transaction even for a long message's trigrams. */
export const SEARCH_INDEX_BATCH = 500;

@Injectable()
export class SearchIndexer implements OnApplicationShutdown {
  private readonly logger = new Logger(SearchIndexer.name);
  private readonly intervalMs: number;
  private running?: Promise<void>;
  private idle?: AbortController;
  private stopped = false;
  private failing = false;
  /** A write arrived since the last batch began: run another before sleeping. */
  private woken = false;

  private pool?: pg.Pool;
  private readonly enabled: boolean;

  constructor(
    events: EventBus,
    config: ConfigService<Environment, true>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.intervalMs = config.get('SEARCH_INDEX_INTERVAL_MS', { infer: true });
    this.enabled = config.get('SEARCH_INDEXER', { infer: true }) === 'true';
    const wake = () => {
      this.woken = true;
      this.idle?.abort();
    };
    events.on('message.sent', wake);
    events.on('broadcast.sent', wake);
    events.on('message.updated', wake);
  }

  /** At boot, once the database is migrated. */
  start(): void {
    if (!this.enabled) return;
    const url = (this.dataSource.options as { url: string }).url;
    this.pool ??= reportPgErrors(
      new pg.Pool({
        connectionString: url,
        max: 1,
        application_name: 'parley-search-indexer',
        statement_timeout: 60_000,
      }),
      (message) => this.logger.warn(message),
    );
    this.running ??= this.loop();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.idle?.abort();
    await this.running;
    await this.pool?.end();
  }

  /**
   * Indexes what is pending, batch after batch, until nothing is (or another instance holds the batch lock).
   * Returns how many messages it took. The loop runs this; so can a test or the benchmark, to wait for it.
   */
  async indexPending(): Promise<number> {
    let total = 0;
    while (!this.stopped) {
      const claimed = await this.batch();
      total += claimed;
      if (claimed < SEARCH_INDEX_BATCH) break;
    }
    return total;
  }

  /** One batch in its own transaction; 0 when another instance's batch holds the lock. */
  private batch(): Promise<number> {
    if (!this.pool) throw new Error('The search indexer is not started');
    return inTransaction(this.pool, this.logger, async (tx) => {
      // The batch's rows and its claim on search_pending commit together, so a crash that loses the commit loses
      // both and the messages are indexed again: nothing waits for the WAL flush that a client's write needs.
      await tx.client.query('SET LOCAL synchronous_commit = off');
      const [{ locked }] = await tx.rows(TRY_INDEX_LOCK, []);
      return locked ? (await tx.rows(INDEX_BATCH, [SEARCH_INDEX_BATCH]))[0].claimed : 0;
    });
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const started = performance.now();
      this.woken = false;
      try {
        await this.indexPending();
        if (this.failing) this.logger.log('Search indexing resumed');
        this.failing = false;
      } catch (error) {
        // The database away or restarting: said once, retried at the next interval.
        if (!this.failing) {
          this.logger.warn(`Search indexing failed: ${error instanceof Error ? error.message : String(error)}`);
        }
        this.failing = true;
      }
      if (this.stopped) break;
      if (this.woken && !this.failing) {
        // Writes keep coming: at most one batch an interval, so a stream of sends is indexed in batches of many
        // (a batch a send took most of a core at 1 000 sends a second: docs/performance.md). The first write after
        // a quiet spell is indexed at once.
        const rest = this.intervalMs - (performance.now() - started);
        if (rest > 0) await sleep(rest);
        continue;
      }
      this.idle = new AbortController();
      await sleep(this.intervalMs, undefined, { signal: this.idle.signal }).catch(() => undefined);
    }
  }
}
