/*
 * Files: POST /uploads of a 1 MiB JPEG and GET /attachments/{id} of it on local storage, each beside the same
 * bytes through a bare node:http server in this process (the upload streamed to a file, the download streamed from
 * one): what moving them costs any Node.js service here. Then memory: the service's RSS (all its processes) while
 * 200 uploads run at once, of 1 MiB and of 20 MiB; streaming means the peak does not grow with the file's size.
 */
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import sharp from 'sharp';
import type { LoadResult, LoadSettings } from './load-types.js';
import type { RunningService } from './service.js';

export interface MemoryRow {
  uploads: number;
  mibEach: number;
  seconds: number;
  rssBeforeMiB: number;
  rssPeakMiB: number;
  rssAfterMiB: number;
  failures: number;
}

export interface AttachmentsRow {
  jpegBytes: number;
  upload: LoadResult;
  uploadFloor: LoadResult;
  download: LoadResult;
  downloadFloor: LoadResult;
  memory: MemoryRow[];
}

/** What the service needs for this phase: files in a directory of their own, limits far above the load. */
export function attachmentsEnv(storageDir: string): Record<string, string> {
  return {
    STORAGE: 'local',
    STORAGE_DIR: storageDir,
    RATE_LIMIT_UPLOADS_PER_USER: '1000000',
    RATE_LIMIT_UPLOAD_MIB_PER_USER: '100000000',
  };
}

const BOUNDARY = 'parley-bench-boundary';
const MIB = 1024 * 1024;

function multipart(name: string, content: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}

/** A photo-like JPEG of about 1 MiB: noise compresses as badly as a real photo does. */
async function photo(): Promise<Buffer> {
  return sharp({
    create: {
      width: 1600,
      height: 1200,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .jpeg({ quality: 85 })
    .toBuffer();
}

async function load(
  url: string,
  settings: LoadSettings,
  request: { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: Buffer },
): Promise<LoadResult> {
  const result = await autocannon({
    url: `${url}${request.path}`,
    method: request.method,
    headers: request.headers,
    body: request.body,
    connections: settings.concurrency,
    duration: settings.durationSeconds,
  });
  return {
    requestsPerSecond: result.requests.total / settings.durationSeconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

/** The bare server: POST streams the body to a file and answers 201; GET streams `file` back. */
async function startFloor(directory: string, file: string): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    if (request.method === 'POST') {
      const path = join(directory, `floor-${randomUUID()}`);
      void pipeline(request, createWriteStream(path)).then(
        () => response.writeHead(201, { 'content-type': 'application/json' }).end('{}'),
        () => response.writeHead(500).end(),
      );
      return;
    }
    response.writeHead(200, { 'content-type': 'image/jpeg' });
    void pipeline(createReadStream(file), response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** `count` uploads of `mibEach` MiB at once over their own connections, sampling the service's RSS meanwhile. */
async function concurrentUploads(
  service: RunningService,
  token: string,
  count: number,
  mibEach: number,
): Promise<MemoryRow> {
  // One body shared by every request: the bench's own memory stays small however many run.
  const body = multipart('big.txt', Buffer.alloc(mibEach * MIB, 'parley '));
  const { hostname, port } = new URL(service.url);
  const rssBeforeMiB = service.rssMiB();
  let rssPeakMiB = rssBeforeMiB;
  const sampler = setInterval(() => (rssPeakMiB = Math.max(rssPeakMiB, service.rssMiB())), 100);
  const started = performance.now();
  const statuses = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<number>((resolve) => {
          const request = httpRequest(
            {
              hostname,
              port,
              method: 'POST',
              path: '/uploads',
              agent: false,
              headers: {
                authorization: `Bearer ${token}`,
                'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
                'content-length': body.length,
              },
            },
            (response) => {
              response.resume();
              resolve(response.statusCode ?? 0);
            },
          );
          request.on('error', () => resolve(0));
          request.end(body);
        }),
    ),
  );
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  return {
    uploads: count,
    mibEach,
    seconds,
    rssBeforeMiB,
    rssPeakMiB,
    rssAfterMiB: service.rssMiB(),
    failures: statuses.filter((status) => status !== 201).length,
  };
}

export async function measureAttachments(
  service: RunningService,
  token: string,
  settings: LoadSettings,
  log: (line: string) => void,
): Promise<AttachmentsRow> {
  const directory = await mkdtemp(join(tmpdir(), 'parley-bench-files-'));
  const jpeg = await photo();
  const file = join(directory, 'photo.jpg');
  await writeFile(file, jpeg);
  const floor = await startFloor(directory, file);
  try {
    const auth = { authorization: `Bearer ${token}` };
    const uploadRequest = {
      method: 'POST' as const,
      path: '/uploads',
      headers: { ...auth, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      body: multipart('photo.jpg', jpeg),
    };
    const upload = await load(service.url, settings, uploadRequest);
    const uploadFloor = await load(floor.url, settings, uploadRequest);
    log(
      `POST /uploads (${(jpeg.length / MIB).toFixed(2)} MiB JPEG): ${upload.requestsPerSecond.toFixed(1)} req/s, p50 ${upload.p50} ms; floor ${uploadFloor.requestsPerSecond.toFixed(0)} req/s`,
    );
    const stored = await fetch(`${service.url}/uploads`, {
      method: 'POST',
      headers: uploadRequest.headers,
      body: new Uint8Array(uploadRequest.body),
    });
    const { id } = (await stored.json()) as { id: string };
    const download = await load(service.url, settings, { method: 'GET', path: `/attachments/${id}`, headers: auth });
    const downloadFloor = await load(floor.url, settings, { method: 'GET', path: '/photo.jpg', headers: auth });
    log(
      `GET /attachments/{id}: ${download.requestsPerSecond.toFixed(0)} req/s, p50 ${download.p50} ms; floor ${downloadFloor.requestsPerSecond.toFixed(0)} req/s`,
    );
    const memory: MemoryRow[] = [];
    for (const mibEach of [1, 20]) {
      const row = await concurrentUploads(service, token, 200, mibEach);
      log(
        `200 uploads of ${mibEach} MiB at once: RSS ${row.rssBeforeMiB.toFixed(0)} → peak ${row.rssPeakMiB.toFixed(0)} MiB, ${row.failures} failed, ${row.seconds.toFixed(1)} s`,
      );
      memory.push(row);
    }
    return { jpegBytes: jpeg.length, upload, uploadFloor, download, downloadFloor, memory };
  } finally {
    floor.server.close();
    await rm(directory, { recursive: true, force: true });
  }
}
