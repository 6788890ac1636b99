import { Body, Controller, HttpStatus, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { MessageDto } from './dto/message.dto.js';
import { BroadcastMessageDto, BroadcastResultDto, SendMessageDto } from './dto/send-message.dto.js';
import { MessagesService } from './messages.service.js';

@ApiTags('messages')
@ApiBearerAuth()
@Controller()
export class MessagesController {
  constructor(private readonly messagesService: MessagesService) {}

  /** Send a message to one user. */
  @Post('send')
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.UNAUTHORIZED, HttpStatus.NOT_FOUND, HttpStatus.PAYLOAD_TOO_LARGE)
  sendMessage(@CurrentUser() caller: AuthUser, @Body() dto: SendMessageDto): Promise<MessageDto> {
    return this.messagesService.sendMessage(caller.id, dto.user_id, dto.message);
  }

  /** Send the same message to every other user. */
  @Post('send_to_all')
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.UNAUTHORIZED, HttpStatus.PAYLOAD_TOO_LARGE)
  sendToAll(@CurrentUser() caller: AuthUser, @Body() dto: BroadcastMessageDto): Promise<BroadcastResultDto> {
    return this.messagesService.sendToAll(caller.id, dto.message);
  }
}
