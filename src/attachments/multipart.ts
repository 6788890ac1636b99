/*
 * Receiving POST /uploads: one multipart/form-data part `file`, streamed by busboy into a temporary file while
 * it is counted, so memory holds a chunk at a time whatever the file's size, and a file over the limit is cut off
 * where it crosses it. Everything else a client can put in a multipart body (other parts, a second file, a field,
 * a name that is a path, broken framing) is refused with 400 before anything is stored.
 */
import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import busboy from 'busboy';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';

export interface ReceivedFile {
  /** The temporary file holding the bytes; the caller removes it (`discard`). */
  path: string;
  /** The name the client gave, checked to be a plain file name. */
  name: string;
  size: number;
  discard(): Promise<void>;
}

/** The form the route takes, as the 400s say it. */
const EXPECTED = 'Send one file as multipart/form-data, in a part named "file"';
const MAX_NAME_LENGTH = 255;
/** Multipart framing around the file: part headers and boundaries, generously. */
const FRAMING_ALLOWANCE = 64 * 1024;

/**
 * A file name as the client sent it, if it is one: no path (`/`, `\`, `..`), no control characters (NUL among
 * them), at most 255 characters. Browsers send the bare name; anything else is a hostile or broken client.
 */
export function checkFileName(name: string): string {
  const trimmed = name.trim();
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (!trimmed || /[\u0000-\u001f\u007f/\\]/.test(trimmed) || trimmed === '.' || trimmed === '..') {
    throw new BadRequestException('The file name must be a plain name: no path, no control characters');
  }
  if ([...trimmed].length > MAX_NAME_LENGTH) {
    throw new BadRequestException(`The file name must be at most ${MAX_NAME_LENGTH} characters`);
  }
  return trimmed;
}

/**
 * Reads the one file of `request` into a temporary file. Rejects with 400 for any other shape of body and 413 once
 * the file passes `maxBytes` (the temporary file is then already gone); the request is drained either way, so the
 * client hears the answer instead of a reset connection.
 */
export async function receiveFile(request: Request, maxBytes: number): Promise<ReceivedFile> {
  const declared = Number(request.headers['content-length']);
  if (Number.isSafeInteger(declared) && declared > maxBytes + FRAMING_ALLOWANCE) {
    throw tooLarge(maxBytes);
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: request.headers,
      preservePath: true,
      limits: { files: 1, fields: 0, fileSize: maxBytes, headerPairs: 10, fieldNameSize: 100 },
    });
  } catch {
    throw new BadRequestException(EXPECTED);
  }
  const path = join(tmpdir(), `parley-upload-${randomUUID()}`);
  const discard = () => rm(path, { force: true });
  let stored: Promise<ReceivedFile> | undefined;
  let refusal: Error | undefined;
  const refuse = (error: Error) => {
    refusal ??= error;
  };

  const parsed = new Promise<void>((resolve) => {
    parser.on('file', (field: string, file: Readable, info: busboy.FileInfo) => {
      if (field !== 'file' || stored) {
        refuse(new BadRequestException(EXPECTED));
        file.resume();
        return;
      }
      let name: string;
      try {
        name = checkFileName(info.filename ?? '');
      } catch (error) {
        refuse(error as Error);
        file.resume();
        return;
      }
      let size = 0;
      file.on('data', (chunk: Buffer) => (size += chunk.length));
      file.on('limit', () => refuse(tooLarge(maxBytes)));
      stored = pipeline(file, createWriteStream(path, { flags: 'wx' })).then(() => ({ path, name, size, discard }));
      // Settled here so that a refusal decided elsewhere never leaves it rejected unhandled; awaited below.
      stored.catch(() => undefined);
    });
    parser.on('field', () => refuse(new BadRequestException(EXPECTED)));
    parser.on('filesLimit', () => refuse(new BadRequestException(EXPECTED)));
    parser.on('fieldsLimit', () => refuse(new BadRequestException(EXPECTED)));
    parser.on('error', () => {
      refuse(new BadRequestException(`Malformed multipart body. ${EXPECTED}`));
      // busboy stops at its error: the rest of the body is read and dropped so the answer reaches the client.
      request.unpipe(parser);
      request.resume();
      resolve();
    });
    parser.on('close', resolve);
  });
  const ended = new Promise<void>((resolve, reject) => {
    request.on('end', resolve);
    request.on('error', reject);
    request.on('aborted', () => reject(new BadRequestException('The upload was aborted')));
  });
  request.pipe(parser);

  try {
    await Promise.all([parsed, ended]);
    const file = await stored;
    if (refusal) throw refusal;
    if (!file) throw new BadRequestException(EXPECTED);
    return file;
  } catch (error) {
    await discard();
    throw error;
  }
}

function tooLarge(maxBytes: number): PayloadTooLargeException {
  return new PayloadTooLargeException(`A file may be at most ${maxBytes} bytes`);
}
