/*
 * Where attachment files live: a local directory or an S3-compatible bucket (STORAGE). The rest of Parley sees
 * only this interface; keys are made by Parley (never from a client's input), and a blob is written once and never
 * changed, so its attachment id names one content for ever (the ETag).
 */
import type { Readable } from 'node:stream';

/** Inclusive byte offsets, as HTTP ranges count them. */
export interface ByteRange {
  start: number;
  end: number;
}

/** The blob does not exist (never written, or deleted). */
export class BlobNotFoundError extends Error {
  constructor(key: string) {
    super(`No blob ${key}`);
    this.name = 'BlobNotFoundError';
  }
}

/** Keys are `[a-z0-9]` words separated by `/`, `.` and `-`: what Parley makes, and nothing a path can escape with. */
export const BLOB_KEY = /^[a-z0-9]+(?:[./-][a-z0-9]+)*$/;

export function assertBlobKey(key: string): void {
  if (!BLOB_KEY.test(key)) throw new Error(`Not a blob key: ${JSON.stringify(key)}`);
}

export abstract class BlobStorage {
  /** `local` or `s3`, for readiness and logs. */
  abstract readonly kind: 'local' | 's3';

  /**
   * Stores `body` (exactly `size` bytes) under `key` and resolves once it is durable. A body that fails or ends
   * short rejects and leaves nothing readable under `key`.
   */
  abstract put(key: string, body: Readable, size: number, contentType: string): Promise<void>;

  /** The blob's bytes, or only `range` of them; rejects with BlobNotFoundError when there is none. */
  abstract get(key: string, range?: ByteRange): Promise<Readable>;

  /** Whether a blob is stored under `key`. */
  abstract exists(key: string): Promise<boolean>;

  /** Deletes the blobs; a key with no blob is no error (deletes are retried and may repeat). */
  abstract delete(keys: string[]): Promise<void>;
}
