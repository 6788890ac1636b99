import { Module } from '@nestjs/common';
import { AttachmentSweeps } from './attachment-sweeps.js';
import { AttachmentsController } from './attachments.controller.js';
import { AttachmentsService } from './attachments.service.js';
import { blobStorageProvider } from './storage/storage.provider.js';

/*
 * Files in conversations, below messages: a send attaches uploads and a delete takes them away in the messages'
 * own statements, while this module owns the files themselves (upload, download, storage, sweeps).
 */
@Module({
  controllers: [AttachmentsController],
  providers: [AttachmentsService, AttachmentSweeps, blobStorageProvider],
  exports: [AttachmentSweeps, blobStorageProvider],
})
export class AttachmentsModule {}
