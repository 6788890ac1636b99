/*
 * STORAGE=s3: each blob an object in one bucket of AWS S3 or any S3-compatible store (MinIO, R2, s3rver in tests),
 * under its key as is.
 */
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertBlobKey, BlobNotFoundError, BlobStorage, type ByteRange } from './blob-storage.js';

export interface S3StorageOptions {
  /** For a store other than AWS S3; AWS's own endpoint for `region` when absent. */
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `https://host/bucket/key` rather than `https://bucket.host/key`: most S3-compatible stores need it. */
  forcePathStyle: boolean;
}

const ignore = () => undefined;

/** DeleteObjects takes at most this many keys a request. */
const DELETE_BATCH = 1000;

export class S3BlobStorage extends BlobStorage {
  readonly kind = 's3';
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(options: S3StorageOptions) {
    super();
    this.bucket = options.bucket;
    this.client = new S3Client({
      endpoint: options.endpoint,
      region: options.region,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      forcePathStyle: options.forcePathStyle,
      // Since 3.729 the SDK checksums every upload by default, sending a stream in the aws-chunked encoding with
      // a trailing CRC32, which not every S3-compatible store decodes: s3rver stores the framing with the bytes.
      // Checksums only where an operation requires one (DeleteObjects) work with them all and with AWS S3.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // The SDK's own console output is dropped: it warns of every upload this class aborts and logs every failed
      // command (a 404 that exists() expects among them), and each failure that matters reaches the caller as an
      // error, which says more.
      logger: { debug: ignore, info: ignore, warn: ignore, trace: ignore, error: ignore },
    });
  }

  async put(key: string, body: Readable, size: number, contentType: string): Promise<void> {
    assertBlobKey(key);
    // The SDK pipes the body into the request without listening for its errors: a body that failed would leave
    // the request hanging, and one that ended short would wait for the store's timeout. Both abort it here, and
    // S3 stores nothing of a PUT cut off before its Content-Length.
    const abort = new AbortController();
    let failure: unknown;
    const counted = exactly(size, key);
    pipeline(body, counted).catch((error: unknown) => {
      failure = error;
      abort.abort(error);
    });
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: counted,
          ContentLength: size,
          ContentType: contentType,
        }),
        { abortSignal: abort.signal },
      );
    } catch (error) {
      // Else a body the request stopped reading would stay paused, its source (an upload) never drained.
      counted.destroy();
      throw failure ?? error;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    assertBlobKey(key);
    try {
      const { Body } = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      // In Node the SDK answers with the response itself, an http.IncomingMessage.
      if (!(Body instanceof Readable)) throw new Error(`Blob ${key}: the response has no body stream`);
      return Body;
    } catch (error) {
      throw isMissing(error) ? new BlobNotFoundError(key) : error;
    }
  }

  async exists(key: string): Promise<boolean> {
    assertBlobKey(key);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async delete(keys: string[]): Promise<void> {
    keys.forEach(assertBlobKey);
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      const { Errors } = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      // A 200 may still report keys it could not delete (AccessDenied, throttling): a retry must see them fail.
      if (Errors?.length) {
        const [first] = Errors;
        throw new Error(`${Errors.length} blobs not deleted, ${first.Key}: ${first.Code} ${first.Message}`);
      }
    }
  }
}

/** 404 is the only answer HEAD can give for a missing object; a missing bucket is a fault, not a missing blob. */
function isMissing(error: unknown): boolean {
  return error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404 && error.name !== 'NoSuchBucket';
}

/** Passes `size` bytes through and fails on one byte more or less. */
function exactly(size: number, key: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      callback(seen > size ? new Error(`Blob ${key}: more than the ${size} bytes announced`) : null, chunk);
    },
    flush(callback) {
      callback(seen < size ? new Error(`Blob ${key}: ${seen} bytes, ${size} announced`) : null);
    },
  });
}
