import { Body, Controller, Headers, HttpStatus, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiCreatedResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/caller/auth-user.js';
import { CurrentUser } from '../common/caller/current-user.decorator.js';
import { ApiOriginSocket, OriginSocket } from '../common/caller/origin-socket.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { responseHeaders } from '../common/response-headers.js';
import { CLIENT_KEY_SCHEMA, resolveClientKey } from './dto/client-key.js';
import { MessageDto } from './dto/message.dto.js';
import { BroadcastMessageDto } from './dto/broadcast-message.dto.js';
import { BroadcastResultDto } from './dto/broadcast-result.dto.js';
import { SendMessageDto } from './dto/send-message.dto.js';
import { MessagesService } from './messages.service.js';
import { RateLimited } from '../rate-limits/rate-limit.decorator.js';

@ApiTags('messages')
@Controller()
export class MessagesController {
  constructor(private readonly messagesService: MessagesService) {}

  /**
   * Send a message to one user.
   * @remarks Safe to retry with an Idempotency-Key header (or `client_id`). The recipient's live sockets, and the
   * sender's other ones, receive `message.new`. Rate-limited per user.
   */
  @Post('send')
  @RateLimited('send')
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND)
  @ApiCreatedResponse({
    description: 'The message as stored; on a retry with the same key, the first one',
    type: MessageDto,
    headers: responseHeaders('Idempotent-Replayed'),
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Makes the send safe to retry: a second send with the same key returns the first message',
    schema: { ...CLIENT_KEY_SCHEMA },
  })
  @ApiOriginSocket()
  async sendMessage(
    @CurrentUser() caller: AuthUser,
    @Body() dto: SendMessageDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @OriginSocket() originSocketId: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<MessageDto> {
    const clientKey = resolveClientKey(idempotencyKey, dto.client_id);
    const { message, replayed } = await this.messagesService.sendMessage(caller.id, dto.user_id, dto.message, {
      clientKey,
      originSocketId,
    });
    if (replayed) response.setHeader('Idempotent-Replayed', 'true');
    return message;
  }

  /**
   * Send the same message to every other user.
   * @remarks Every connected user hears of it live as one `broadcast.new`. Rate-limited per user, more tightly than
   * /send.
   */
  @Post('send_to_all')
  @RateLimited('broadcast')
  @ApiErrors(HttpStatus.BAD_REQUEST)
  sendToAll(@CurrentUser() caller: AuthUser, @Body() dto: BroadcastMessageDto): Promise<BroadcastResultDto> {
    return this.messagesService.sendToAll(caller.id, dto.message);
  }
}
