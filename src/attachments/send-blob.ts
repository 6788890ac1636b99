/*
 * How a file is answered. Whatever a user uploaded, it must never run in the API's origin: the type is the one
 * decided from the bytes, `nosniff` stops a browser from guessing another, `sandbox` gives a document opened
 * anyway no origin and no scripts, and everything but an image is a download (`attachment`). A file never changes
 * under its id, so its ETag is the id; `no-cache` still asks the server each time, because who may read it can
 * change (a delete, a logout) while the bytes cannot. One byte range is served as 206 (video, PDF viewers); several
 * are answered with the whole file, which RFC 9110 allows.
 */
import { HttpException, HttpStatus } from '@nestjs/common';
import { create as contentDisposition } from 'content-disposition';
import type { Request, Response } from 'express';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ByteRange } from './storage/blob-storage.js';

export interface BlobToSend {
  etag: string;
  size: number;
  contentType: string;
  /** The name a browser saves it under. */
  name: string;
  inline: boolean;
  open(range?: ByteRange): Promise<Readable>;
}

export async function sendBlob(request: Request, response: Response, blob: BlobToSend): Promise<void> {
  response.setHeader('ETag', blob.etag);
  response.setHeader('Cache-Control', 'private, no-cache');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Content-Security-Policy', "sandbox; default-src 'none'");
  response.setHeader(
    'Content-Disposition',
    contentDisposition(blob.name, { type: blob.inline ? 'inline' : 'attachment' }),
  );
  response.setHeader('Accept-Ranges', 'bytes');
  if (request.fresh) {
    response.status(HttpStatus.NOT_MODIFIED).end();
    return;
  }
  const range = requestedRange(request, blob);
  const body = await blob.open(range);
  response.status(range ? HttpStatus.PARTIAL_CONTENT : HttpStatus.OK);
  response.setHeader(
    'Content-Type',
    blob.contentType === 'text/plain' ? 'text/plain; charset=utf-8' : blob.contentType,
  );
  response.setHeader('Content-Length', String(range ? range.end - range.start + 1 : blob.size));
  if (range) response.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${blob.size}`);
  if (request.method === 'HEAD') {
    body.destroy();
    response.end();
    return;
  }
  // A storage failure mid-body can only cut the response short: its headers are gone already.
  await pipeline(body, response).catch(() => response.destroy());
}

/** The one range to serve, if the request asks for one that still applies (If-Range); 416 if none is satisfiable. */
function requestedRange(request: Request, blob: BlobToSend): ByteRange | undefined {
  if (!request.headers.range) return undefined;
  const ifRange = request.headers['if-range'];
  if (ifRange !== undefined && ifRange !== blob.etag) return undefined;
  const ranges = request.range(blob.size, { combine: true });
  if (ranges === -1) {
    request.res?.setHeader('Content-Range', `bytes */${blob.size}`);
    throw new HttpException(
      `No byte of the range is within the file's ${blob.size} bytes`,
      HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
    );
  }
  if (ranges === -2 || ranges === undefined || ranges.type !== 'bytes' || ranges.length !== 1) return undefined;
  return { start: ranges[0].start, end: ranges[0].end };
}
