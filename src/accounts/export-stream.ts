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

export class ExportStream extends Readable {
  private pending = '';
  private first = true;
  private released = false;

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
    rows.on('data', (row: { message: string }) => this.add(row.message));
    rows.on('end', () => void this.finish());
    rows.on('error', (error) => this.destroy(error));
  }

  override _read(): void {
    this.rows.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
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
    this.push(`${this.pending}]}`);
    this.push(null);
  }

  private release(destroy: boolean): void {
    if (this.released) return;
    this.released = true;
    this.client.release(destroy);
  }
}
