import { ApiProperty } from '@nestjs/swagger';
import { ApiInt32, ApiInt64 } from '../../common/api-integer.decorator.js';

/** What every view of a stored file shows: the file itself, as stored. */
abstract class StoredFileDto {
  /** @example 0b9f3c52-7f2e-4a8b-9a51-2f1d6c3e8a47 */
  @ApiProperty({ format: 'uuid' })
  id!: string;

  /** Decided from the file's content, whatever the client claimed. @example image/jpeg */
  content_type!: string;

  /** Bytes as stored: an image's after its metadata (EXIF, GPS) was removed. @example 482113 */
  @ApiInt64()
  size!: number;

  /** The file name the client gave. @example beach.jpg */
  name!: string;

  /** Images only: width in pixels, after the camera's orientation was applied. @example 1600 */
  @ApiInt32({ required: false })
  width?: number;

  /** Images only: height in pixels. @example 1200 */
  @ApiInt32({ required: false })
  height?: number;
}

/** An upload as stored: what POST /uploads answers. Pass its `id` in `attachment_ids` of POST /send. */
export class UploadDto extends StoredFileDto {
  /** Whether a thumbnail (WebP, at most 320 px a side) was made: images only. */
  thumbnail!: boolean;
}

/** A file of a message. Its URLs answer only the two users of the conversation, with their bearer token. */
export class AttachmentDto extends StoredFileDto {
  /** The file, relative to the API's base URL: GET it with the bearer token. @example /attachments/0b9f3c52-7f2e-4a8b-9a51-2f1d6c3e8a47 */
  url!: string;

  /** Images only: a WebP of at most 320 px a side. @example /attachments/0b9f3c52-7f2e-4a8b-9a51-2f1d6c3e8a47/thumbnail */
  @ApiProperty({ required: false })
  thumbnail_url?: string;
}

/** An attachment as `messages.attachments` holds it: the DTO without its URLs, and whether it has a thumbnail. */
export interface StoredAttachment {
  id: string;
  content_type: string;
  size: number;
  name: string;
  width?: number;
  height?: number;
  thumbnail: boolean;
}

export function toAttachmentDto({ thumbnail, ...stored }: StoredAttachment): AttachmentDto {
  const url = `/attachments/${stored.id}`;
  return { ...stored, url, ...(thumbnail ? { thumbnail_url: `${url}/thumbnail` } : {}) };
}
