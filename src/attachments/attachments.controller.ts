import { Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiErrors } from '../common/api-errors.decorator.js';
import type { AuthUser } from '../common/caller/auth-user.js';
import { CurrentUser } from '../common/caller/current-user.decorator.js';
import { RateLimited } from '../rate-limits/rate-limit.decorator.js';
import { AttachmentsService } from './attachments.service.js';
import { AttachmentIdParamDto } from './dto/attachment-id-param.dto.js';
import { UploadDto } from './dto/attachment.dto.js';
import { IMAGE_TYPES } from './file-content.js';
import { sendBlob } from './send-blob.js';

const NOT_READABLE = {
  status: HttpStatus.NOT_FOUND,
  description:
    'No attachment has that id that you may read: only the uploader (before it is sent) and the two users of its conversation may',
};
const FILE_RESPONSE = { schema: { type: 'string', format: 'binary' } } as const;

@ApiTags('attachments')
@Controller()
export class AttachmentsController {
  constructor(private readonly attachments: AttachmentsService) {}

  /**
   * Upload a file, to send it with POST /send (`attachment_ids`).
   * @remarks One part `file` of a multipart/form-data body. Its type is decided from its content (JPEG, PNG, WebP,
   * GIF, PDF, plain text and ZIP by default). An image is turned upright and stripped of its metadata (EXIF, GPS)
   * before it is stored, and gets a thumbnail. An upload not sent within UPLOAD_ORPHAN_HOURS is deleted.
   * Rate-limited per user, in uploads and in bytes.
   */
  @Post('uploads')
  @RateLimited('upload')
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary', description: 'The file; its name is kept' } },
    },
  })
  @ApiCreatedResponse({ description: 'The upload as stored', type: UploadDto })
  @ApiErrors(
    {
      status: HttpStatus.BAD_REQUEST,
      description: 'Not one part `file` in a multipart/form-data body, an empty file, or a name that is a path',
    },
    {
      status: HttpStatus.PAYLOAD_TOO_LARGE,
      description: 'The file is larger than UPLOAD_MAX_BYTES (25 MiB by default)',
    },
    { status: HttpStatus.UNSUPPORTED_MEDIA_TYPE, description: 'The content is not of an allowed type' },
    {
      status: HttpStatus.UNPROCESSABLE_ENTITY,
      description: 'An image that does not decode, or has more than UPLOAD_MAX_PIXELS pixels',
    },
  )
  uploadFile(@CurrentUser() caller: AuthUser, @Req() request: Request): Promise<UploadDto> {
    return this.attachments.upload(caller.id, request);
  }

  /**
   * Delete an upload you have not sent.
   * @remarks For a file taken back before sending; it is erased from storage. A sent one goes with its message
   * (DELETE /messages/{id}). Unsent uploads are also deleted after UPLOAD_ORPHAN_HOURS.
   */
  @Delete('uploads/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(
    HttpStatus.BAD_REQUEST,
    { status: HttpStatus.NOT_FOUND, description: 'No upload of yours has that id' },
    { status: HttpStatus.CONFLICT, description: 'It was sent; delete its message instead' },
  )
  deleteUpload(@CurrentUser() caller: AuthUser, @Param() { id }: AttachmentIdParamDto): Promise<void> {
    return this.attachments.deleteUnsent(caller.id, id);
  }

  /**
   * Download an attachment.
   * @remarks With the bearer token, like any route (a web client fetches it and shows the blob). Byte ranges
   * (`Range`, `If-Range`) and `If-None-Match` with the `ETag` work. Images are served inline, everything else as a
   * download; nothing is ever served as a page of this origin.
   */
  @Get('attachments/:id')
  @ApiOkResponse({ description: 'The file', content: fileContent() })
  @ApiResponse({ status: HttpStatus.PARTIAL_CONTENT, description: 'The byte range asked for', content: fileContent() })
  @ApiResponse({ status: HttpStatus.NOT_MODIFIED, description: 'If-None-Match named its ETag' })
  @ApiHeader({ name: 'Range', required: false, description: 'One byte range, e.g. `bytes=0-1023`' })
  @ApiErrors(HttpStatus.BAD_REQUEST, NOT_READABLE, {
    status: HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
    description: 'No byte of the range is within the file',
  })
  async downloadAttachment(
    @CurrentUser() caller: AuthUser,
    @Param() { id }: AttachmentIdParamDto,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const attachment = await this.attachments.findReadable(caller.id, id);
    await sendBlob(request, response, {
      etag: `"${attachment.id}"`,
      size: Number(attachment.size),
      contentType: attachment.content_type,
      name: attachment.name,
      inline: IMAGE_TYPES.has(attachment.content_type),
      open: (range) => this.attachments.open(attachment, false, range),
    });
  }

  /**
   * Download an image attachment's thumbnail: a WebP of at most 320 px a side.
   * @remarks Who may read it, and how it is cached, as for the file itself.
   */
  @Get('attachments/:id/thumbnail')
  @ApiOkResponse({ description: 'The thumbnail', content: { 'image/webp': FILE_RESPONSE } })
  @ApiResponse({ status: HttpStatus.NOT_MODIFIED, description: 'If-None-Match named its ETag' })
  @ApiErrors(HttpStatus.BAD_REQUEST, {
    ...NOT_READABLE,
    description: `${NOT_READABLE.description}; or the attachment is not an image (no thumbnail)`,
  })
  async downloadAttachmentThumbnail(
    @CurrentUser() caller: AuthUser,
    @Param() { id }: AttachmentIdParamDto,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const attachment = await this.attachments.findReadable(caller.id, id, { thumbnail: true });
    await sendBlob(request, response, {
      etag: `"${attachment.id}.thumbnail"`,
      size: attachment.thumbnail_size ?? 0,
      contentType: 'image/webp',
      name: `${attachment.name}.webp`,
      inline: true,
      open: (range) => this.attachments.open(attachment, true, range),
    });
  }
}

function fileContent(): Record<string, typeof FILE_RESPONSE> {
  return Object.fromEntries(
    ['application/octet-stream', ...IMAGE_TYPES, 'application/pdf', 'text/plain', 'application/zip'].map((type) => [
      type,
      FILE_RESPONSE,
    ]),
  );
}
