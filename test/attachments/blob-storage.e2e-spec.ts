/*
 * The BlobStorage contract, run alike against the local directory and a real S3 peer (s3rver): whatever STORAGE
 * says, the rest of Parley must see the same behaviour.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { BlobNotFoundError, type BlobStorage } from '../../src/attachments/storage/blob-storage.js';
import { LocalBlobStorage } from '../../src/attachments/storage/local-storage.js';
import { S3BlobStorage } from '../../src/attachments/storage/s3-storage.js';
import { startS3Server } from '../support/s3-server.js';

interface Peer {
  storage: BlobStorage;
  /** The same kind of storage, failing at any I/O it attempts. */
  unreachable: BlobStorage;
  close(): Promise<void>;
}

const PEERS: Record<'local' | 's3', () => Promise<Peer>> = {
  async local() {
    const directory = await mkdtemp(join(tmpdir(), 'parley-blobs-'));
    // A directory under a regular file: every mkdir, open or stat below it fails with ENOTDIR.
    await writeFile(join(directory, 'file'), '');
    return {
      storage: new LocalBlobStorage(join(directory, 'blobs')),
      unreachable: new LocalBlobStorage(join(directory, 'file', 'blobs')),
      close: () => rm(directory, { recursive: true, force: true }),
    };
  },
  async s3() {
    const server = await startS3Server();
    const options = { ...server, forcePathStyle: true };
    return {
      storage: new S3BlobStorage(options),
      // Port 1 on loopback: nothing listens, every request is refused.
      unreachable: new S3BlobStorage({ ...options, endpoint: 'http://127.0.0.1:1' }),
      close: () => server.close(),
    };
  },
};

const SIZE = 300 * 1024;

function newKey(): string {
  return `test/${randomUUID()}.bin`;
}

async function read(stream: Readable): Promise<Buffer> {
  return Buffer.concat(await stream.toArray());
}

describe.each(['local', 's3'] as const)('%s blob storage', (kind) => {
  let peer: Peer;
  let storage: BlobStorage;

  beforeAll(async () => {
    peer = await PEERS[kind]();
    storage = peer.storage;
  });

  afterAll(async () => {
    await peer?.close();
  });

  async function putBytes(key: string, bytes: Buffer): Promise<void> {
    // Many small chunks, as an upload arrives, rather than one buffer.
    await storage.put(key, Readable.from(chunks(bytes, 16 * 1024)), bytes.length, 'application/octet-stream');
  }

  it('gives back the bytes it stored', async () => {
    const key = newKey();
    const bytes = randomBytes(SIZE);
    await putBytes(key, bytes);
    const stored = await read(await storage.get(key));
    expect(stored.length).toBe(SIZE);
    expect(stored.equals(bytes)).toBe(true);
  });

  it('gives back exactly the bytes of a range, both ends included', async () => {
    const key = newKey();
    const bytes = randomBytes(SIZE);
    await putBytes(key, bytes);
    const middle = await read(await storage.get(key, { start: 1000, end: 70_000 }));
    expect(middle.length).toBe(69_001);
    expect(middle.equals(bytes.subarray(1000, 70_001))).toBe(true);
    // One byte; not the first: s3rver 3.7.1 reads `bytes=0-0` as `bytes=0-` and sends all (S3 sends one byte).
    const one = await read(await storage.get(key, { start: 5, end: 5 }));
    expect([...one]).toEqual([bytes[5]]);
    const last = await read(await storage.get(key, { start: SIZE - 10, end: SIZE - 1 }));
    expect(last.equals(bytes.subarray(SIZE - 10))).toBe(true);
  });

  it('tells whether a blob exists', async () => {
    const key = newKey();
    await expect(storage.exists(key)).resolves.toBe(false);
    await putBytes(key, randomBytes(1024));
    await expect(storage.exists(key)).resolves.toBe(true);
  });

  it('rejects get of a blob never stored with BlobNotFoundError', async () => {
    await expect(storage.get(newKey())).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it('deletes blobs: get rejects with BlobNotFoundError and exists is false', async () => {
    const [deleted, kept] = [newKey(), newKey()];
    const bytes = randomBytes(4096);
    await putBytes(deleted, bytes);
    await putBytes(kept, bytes);
    await storage.delete([deleted]);
    await expect(storage.get(deleted)).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(storage.get(deleted, { start: 0, end: 10 })).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(storage.exists(deleted)).resolves.toBe(false);
    expect((await read(await storage.get(kept))).equals(bytes)).toBe(true);
  });

  it('deletes several blobs at once, and takes missing keys and an empty list as no error', async () => {
    const keys = [newKey(), newKey(), newKey()];
    for (const key of keys) await putBytes(key, randomBytes(100));
    await storage.delete([...keys, newKey()]);
    for (const key of keys) await expect(storage.exists(key)).resolves.toBe(false);
    await expect(storage.delete(keys)).resolves.toBeUndefined();
    await expect(storage.delete([])).resolves.toBeUndefined();
  });

  it('rejects put when the body fails mid-way, and leaves no blob under the key', async () => {
    const key = newKey();
    const bytes = randomBytes(SIZE);
    async function* failing() {
      yield bytes.subarray(0, 128 * 1024);
      // Time for what was sent to reach the store before the body fails.
      await delay(100);
      throw new Error('the upload broke off');
    }
    await expect(storage.put(key, Readable.from(failing()), SIZE, 'application/octet-stream')).rejects.toThrow(
      'the upload broke off',
    );
    await expect(storage.exists(key)).resolves.toBe(false);
    await expect(storage.get(key)).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it('rejects put when the body ends short of its size, and leaves no blob under the key', async () => {
    const key = newKey();
    const bytes = randomBytes(1000);
    await expect(storage.put(key, Readable.from([bytes]), 1001, 'application/octet-stream')).rejects.toThrow();
    await expect(storage.exists(key)).resolves.toBe(false);
  });

  it('refuses a key that could escape, before any I/O', async () => {
    // On a storage where any I/O fails with another error, only a refusal made first gives this message.
    const { unreachable } = peer;
    for (const key of ['../escape', 'a/../../b', '/etc/passwd', 'A.bin']) {
      await expect(unreachable.put(key, Readable.from([Buffer.from('x')]), 1, 'text/plain')).rejects.toThrow(
        'Not a blob key',
      );
      await expect(unreachable.get(key)).rejects.toThrow('Not a blob key');
      await expect(unreachable.exists(key)).rejects.toThrow('Not a blob key');
      await expect(unreachable.delete([key])).rejects.toThrow('Not a blob key');
    }
    // Nor is any key of a batch deleted when another is refused.
    const key = newKey();
    await putBytes(key, randomBytes(10));
    await expect(storage.delete([key, '../escape'])).rejects.toThrow('Not a blob key');
    // A deletion begun before the refusal would not be awaited by it: time for one to finish.
    await delay(100);
    await expect(storage.exists(key)).resolves.toBe(true);
  });
});

function* chunks(bytes: Buffer, size: number): Generator<Buffer> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}
