import {
  BadRequestException,
  ConflictException,
  Injectable,
  NotFoundException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Environment } from '../config/environment.js';
import { PreparedStatements } from '../database/prepared-statements.js';
import { AttachmentSweeps } from './attachment-sweeps.js';
import {
  type AttachmentRow,
  DELETE_UNSENT,
  FIND_READABLE,
  FIND_UPLOADS,
  INSERT_ATTACHMENT,
  JOURNAL_BLOBS,
} from './attachment.queries.js';
import { fileKey, thumbnailKey } from './blob-keys.js';
import type { UploadDto } from './dto/attachment.dto.js';
import { detectContentType, IMAGE_TYPES, processImage } from './file-content.js';
import { receiveFile } from './multipart.js';
import { BlobNotFoundError, BlobStorage, type ByteRange } from './storage/blob-storage.js';
import { Readable } from 'node:stream';

/** An upload's blobs are the sweep's if no row claims them within this long: longer than any upload may take. */
const JOURNAL_SECONDS = 3600;

function toUploadDto(row: AttachmentRow): UploadDto {
  return {
    id: row.id,
    content_type: row.content_type,
    size: Number(row.size),
    name: row.name,
    ...(row.width !== null && row.height !== null ? { width: row.width, height: row.height } : {}),
    thumbnail: row.thumbnail_size !== null,
  };
}

@Injectable()
export class AttachmentsService {
  private readonly maxBytes: number;
  private readonly maxPixels: number;
  private readonly allowedTypes: Set<string>;

  constructor(
    private readonly statements: PreparedStatements,
    private readonly storage: BlobStorage,
    private readonly sweeps: AttachmentSweeps,
    config: ConfigService<Environment, true>,
  ) {
    this.maxBytes = config.get('UPLOAD_MAX_BYTES', { infer: true });
    this.maxPixels = config.get('UPLOAD_MAX_PIXELS', { infer: true });
    this.allowedTypes = new Set(config.get('UPLOAD_ALLOWED_TYPES', { infer: true }));
  }

  /**
   * Receives the request's file, decides its type from its bytes, cleans an image, and stores it: blobs first
   * (journaled for the sweep), then the row that makes them reachable.
   */
  async upload(uploaderId: number, request: Request): Promise<UploadDto> {
    const received = await receiveFile(request, this.maxBytes);
    const processed = `${received.path}.image`;
    try {
      if (received.size === 0) throw new BadRequestException('The file is empty');
      const contentType = await detectContentType(received.path);
      if (!contentType || !this.allowedTypes.has(contentType)) {
        throw new UnsupportedMediaTypeException(
          `${contentType ?? 'This kind of file'} cannot be uploaded; allowed: ${[...this.allowedTypes].join(', ')}`,
        );
      }
      const image = IMAGE_TYPES.has(contentType)
        ? await processImage(received.path, processed, contentType, this.maxPixels)
        : undefined;
      const id = randomUUID();
      const keys = [fileKey(id), thumbnailKey(id)];
      await this.sweeps.ensureRunning();
      await this.statements.rows(JOURNAL_BLOBS, [keys, JOURNAL_SECONDS]);
      const size = image?.size ?? received.size;
      await this.storage.put(fileKey(id), createReadStream(image ? processed : received.path), size, contentType);
      if (image) {
        await this.storage.put(
          thumbnailKey(id),
          Readable.from([image.thumbnail]),
          image.thumbnail.length,
          'image/webp',
        );
      }
      const [row] = await this.statements.rows(INSERT_ATTACHMENT, [
        id,
        uploaderId,
        contentType,
        size,
        received.name,
        image?.width ?? null,
        image?.height ?? null,
        image?.thumbnail.length ?? null,
        keys,
      ]);
      return toUploadDto(row);
    } finally {
      await Promise.all([received.discard(), rm(processed, { force: true })]);
    }
  }

  /** Deletes an upload of the caller's that was never sent: 404 if it is not theirs, 409 once it was sent. */
  async deleteUnsent(uploaderId: number, id: string): Promise<void> {
    const [deleted] = await this.statements.rows(DELETE_UNSENT, [id, uploaderId]);
    if (deleted) {
      this.sweeps.sweepSoon();
      return;
    }
    const [upload] = await this.statements.rows(FIND_UPLOADS, [[id], uploaderId]);
    if (!upload) throw new NotFoundException(`No upload of yours has id ${id}`);
    throw new ConflictException('This upload was sent; delete its message to delete it');
  }

  /**
   * The attachment if the caller may read it (and, asked for its thumbnail, has one); 404 otherwise, exactly as for
   * an id that does not exist.
   */
  async findReadable(callerId: number, id: string, { thumbnail = false } = {}): Promise<AttachmentRow> {
    const [row] = await this.statements.rows(FIND_READABLE, [id, callerId]);
    if (!row) throw new NotFoundException(`No attachment has id ${id}`);
    if (thumbnail && row.thumbnail_size === null) throw new NotFoundException('This attachment has no thumbnail');
    return row;
  }

  /** The bytes of the file (or its thumbnail), from storage; 404 when a delete took them in between. */
  async open(attachment: AttachmentRow, thumbnail: boolean, range?: ByteRange): Promise<Readable> {
    return this.storage
      .get(thumbnail ? thumbnailKey(attachment.id) : fileKey(attachment.id), range)
      .catch((error: unknown) => {
        if (error instanceof BlobNotFoundError) throw new NotFoundException(`No attachment has id ${attachment.id}`);
        throw error;
      });
  }
}
