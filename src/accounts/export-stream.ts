/*
 * The data export as a stream of bytes: the head PostgreSQL built, then every message as the cursor hands it
 * over, so the process holds one batch of rows and one chunk of JSON at a time, whatever the account's size.
 *
 * Backpressure runs end to end: when the response's buffer is full, push() returns false and the cursor
 * stops fetching (a paused QueryStream asks PostgreSQL for nothing), until the response drains and asks
 * for more (_read). The connection is the export's own for as long as the client keeps reading; it goes
 * back to the pool after COMMIT, and is closed instead when the export ends any other way (the client
 * went away, the database failed): a connection left mid-cursor is not worth cleaning up for reuse.
 */
import { Readable } from 'node:stream';
import type pg from 'pg';
import type QueryStream from 'pg-query-stream';

/** How much JSON is gathered before it is handed on: one response write per row would be a chunk per row. */
const CHUNK_CHARS = 64 * 1024;

/**
 * How long a reader may take nothing before the export ends: an open transaction holds back vacuum and a pool
 * connection, so a client that stops reading must not keep them for good.
 */
export const EXPORT_STALL_MS = 60_000;

export class ExportStream extends Readable {
  private pending = '';
  private first = true;
  private released = false;
  private stall: NodeJS.Timeout | undefined;

  /** `head` is the JSON object of everything but the messages; `rows` yields one message's JSON per row. */
  constructor(
    private readonly client: pg.PoolClient,
    head: string,
    private readonly rows: QueryStream,
  ) {
    super();
    // At once, so the status and headers go out before the first row: what fails after them cuts the body short.
    this.push(`${head.slice(0, -1)},"messages":[`);
    rows.pause();
    this.watch();
    rows.on('data', (row: { message: string }) => this.add(row.message));
    rows.on('end', () => void this.finish());
    rows.on('error', (error) => this.destroy(error));
    // A connection lost while the cursor waits for the reader reaches no query (pg-cursor keeps the error until
    // its next fetch, which a stalled reader never asks for): the export must end here, or it and its pooled
    // connection would wait for good.
    client.on('error', this.lost);
  }

  override _read(): void {
    this.watch();
    this.rows.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.stall);
    this.rows.destroy();
    this.release(true);
    callback(error);
  }

  private add(message: string): void {
    this.pending += this.first ? message : `,${message}`;
    this.first = false;
    if (this.pending.length >= CHUNK_CHARS) {
      const wantsMore = this.push(this.pending);
      this.pending = '';
      if (!wantsMore) this.rows.pause();
    }
  }

  private async finish(): Promise<void> {
    try {
      await this.client.query('COMMIT');
    } catch (error) {
      this.destroy(error as Error);
      return;
    }
    this.release(false);
    clearTimeout(this.stall);
    this.push(`${this.pending}]}`);
    this.push(null);
  }

  /** (Re)starts the stall timer: each read the response asks for proves the client is still taking the document. */
  private watch(): void {
    clearTimeout(this.stall);
    this.stall = setTimeout(() => this.destroy(new Error('The export reader stalled')), EXPORT_STALL_MS);
    this.stall.unref();
  }

  private readonly lost = (error: Error) => this.destroy(error);

  private release(destroy: boolean): void {
    if (this.released) return;
    this.released = true;
    this.client.off('error', this.lost);
    this.client.release(destroy);
  }
}
