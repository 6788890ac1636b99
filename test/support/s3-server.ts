/*
 * An S3-compatible store on loopback for e2e tests: s3rver, keeping its objects in a temporary directory that
 * close() removes. Requests are signed and checked with s3rver's fixed credentials.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export interface S3TestServer {
  endpoint: string;
  /** Where s3rver keeps its objects: a test reads what is stored here, around any S3 client. */
  directory: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  close(): Promise<void>;
}

export async function startS3Server(bucket = 'parley-test'): Promise<S3TestServer> {
  const directory = await mkdtemp(join(tmpdir(), 'parley-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    // Bound by s3rver itself, so no other process can take the port between choosing and listening.
    port: 0,
    directory,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  // s3rver writes an upload in place as it arrives and keeps what came of one cut off, where S3 stores an object
  // only once all its Content-Length has come: collected first here, so a failed put leaves nothing, as on S3.
  const { store } = server;
  const putObject = store.putObject.bind(store);
  store.putObject = async (object) => {
    if (object.content instanceof IncomingMessage) {
      const request = object.content;
      const bytes = Buffer.concat(await request.toArray());
      if (!request.complete) throw new Error('The upload was cut off');
      object.content = bytes;
    }
    return putObject(object);
  };
  try {
    const { port } = await server.run();
    return {
      endpoint: `http://127.0.0.1:${port}`,
      directory,
      bucket,
      region: 'us-east-1',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      close: async () => {
        await server.close();
        await rm(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}

/** The environment that points Parley at `server` (STORAGE=s3). */
export function s3StorageEnv(server: S3TestServer): Record<string, string> {
  return {
    STORAGE: 's3',
    S3_ENDPOINT: server.endpoint,
    S3_REGION: server.region,
    S3_BUCKET: server.bucket,
    S3_ACCESS_KEY_ID: server.accessKeyId,
    S3_SECRET_ACCESS_KEY: server.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
  };
}
