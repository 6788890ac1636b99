import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module.js';
import { UsersModule } from '../users/users.module.js';
import { ModerationController } from './moderation.controller.js';
import { ModerationService } from './moderation.service.js';
import { ReportsController } from './reports.controller.js';

@Module({
  imports: [UsersModule, MessagesModule],
  controllers: [ReportsController, ModerationController],
  providers: [ModerationService],
})
export class ModerationModule {}
