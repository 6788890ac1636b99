/*
 * STORAGE=local: each blob a file under STORAGE_DIR, spread over 256 directories by the key's hash so no
 * directory grows to millions of entries. A file is written beside its final name and renamed when complete and
 * synced, so a reader never sees half a file and a crash leaves at most a `.partial` (swept with its key).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertBlobKey, BlobNotFoundError, BlobStorage, type ByteRange } from './blob-storage.js';

export class LocalBlobStorage extends BlobStorage {
  readonly kind = 'local';
  private readonly root: string;

  constructor(directory: string) {
    super();
    this.root = resolve(directory);
  }

  /** The file of `key` (exported for tests that read what was stored). */
  pathOf(key: string): string {
    assertBlobKey(key);
    const shard = createHash('sha256').update(key).digest('hex').slice(0, 2);
    return join(this.root, shard, key.replaceAll('/', '_'));
  }

  async put(key: string, body: Readable, size: number): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const partial = `${path}.${randomUUID()}.partial`;
    try {
      await pipeline(body, createWriteStream(partial, { flags: 'wx' }));
      const file = await open(partial, 'r');
      try {
        const written = (await file.stat()).size;
        if (written !== size) throw new Error(`Blob ${key}: ${written} bytes written, ${size} expected`);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(partial, path);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    // Opened before it is returned, so a missing file rejects here rather than erroring the response mid-way.
    // The stream opens the file itself (not from a FileHandle passed in): then it also closes it however it ends.
    // A stream over a FileHandle that a client's disconnect destroyed mid-read left the handle for the garbage
    // collector to close (seen under load in `npm run bench`).
    const stream = createReadStream(this.pathOf(key), { start: range?.start, end: range?.end });
    await new Promise<void>((resolve, reject) => {
      stream.once('ready', () => resolve());
      stream.once('error', (error: NodeJS.ErrnoException) =>
        reject(error.code === 'ENOENT' ? new BlobNotFoundError(key) : error),
      );
    });
    return stream;
  }

  async exists(key: string): Promise<boolean> {
    return stat(this.pathOf(key)).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return false;
        throw error;
      },
    );
  }

  async delete(keys: string[]): Promise<void> {
    // Every key checked before the first file goes: a batch with one bad key deletes nothing.
    const paths = keys.map((key) => this.pathOf(key));
    await Promise.all(paths.map((path) => rm(path, { force: true })));
  }
}
