import { Body, Controller, Delete, Headers, HttpCode, HttpStatus, Param, Patch, Post, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
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
import { EditMessageDto } from './dto/edit-message.dto.js';
import { MessageIdParamDto, ReactionParamDto } from './dto/message-id-param.dto.js';
import { MessagesService } from './messages.service.js';
import { RateLimited } from '../rate-limits/rate-limit.decorator.js';

const NO_SUCH_MESSAGE = {
  status: HttpStatus.NOT_FOUND,
  description: 'No message with that id is in your conversations (the same answer whether or not it exists)',
};
const CANNOT_MESSAGE = {
  status: HttpStatus.FORBIDDEN,
  description: 'A block stands between you and this user (whichever of you blocked; the answer does not say)',
  example: { statusCode: 403, error: 'Forbidden', message: 'You cannot message this user' },
};
const ACCOUNT_DELETED = {
  status: HttpStatus.GONE,
  description: 'The other user deleted their account',
  example: { statusCode: 410, error: 'Gone', message: 'This account was deleted' },
};
const NOT_YOURS_TO_CHANGE = {
  status: HttpStatus.FORBIDDEN,
  description:
    'You can see the message but not change it: you did not send it, its time window has passed, or a block stands between you and the other user',
  example: { statusCode: 403, error: 'Forbidden', message: 'Only its sender can edit a message' },
};

@ApiTags('messages')
@Controller()
export class MessagesController {
  constructor(private readonly messagesService: MessagesService) {}

  /**
   * Send a message to one user, or a reply to a message of your conversation (`reply_to_id`).
   * @remarks Safe to retry with an Idempotency-Key header (or `client_id`). The recipient's live sockets, and the
   * sender's other ones, receive `message.new`. Rate-limited per user.
   */
  @Post('send')
  @RateLimited('send')
  @ApiErrors(
    HttpStatus.BAD_REQUEST,
    {
      status: HttpStatus.NOT_FOUND,
      description:
        'No user has that id, `reply_to_id` is not a message you can see, or one of `attachment_ids` is not an upload of yours',
    },
    { status: HttpStatus.CONFLICT, description: 'One of `attachment_ids` was already sent with another message' },
    CANNOT_MESSAGE,
    ACCOUNT_DELETED,
  )
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
    const { message, replayed } = await this.messagesService.sendMessage(caller.id, dto.user_id, dto.message ?? '', {
      clientKey,
      replyToId: dto.reply_to_id,
      attachmentIds: dto.attachment_ids,
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

  /**
   * Edit the text of a message you sent.
   * @remarks Within MESSAGE_EDIT_WINDOW_SECONDS of sending (default 900; 0: any time). Both users' live sockets
   * receive `message.updated` (the one in X-Socket-Id is skipped); the same text again changes nothing and announces
   * nothing. Rate-limited per user.
   */
  @Patch('messages/:id')
  @RateLimited('edit')
  @ApiOkResponse({ description: 'The message as it is now, with `edited_at` set', type: MessageDto })
  @ApiErrors(HttpStatus.BAD_REQUEST, NOT_YOURS_TO_CHANGE, NO_SUCH_MESSAGE, ACCOUNT_DELETED, {
    status: HttpStatus.CONFLICT,
    description: 'The message was deleted',
    example: { statusCode: 409, error: 'Conflict', message: 'This message was deleted; it cannot be edited' },
  })
  @ApiOriginSocket()
  editMessage(
    @CurrentUser() caller: AuthUser,
    @Param() params: MessageIdParamDto,
    @Body() dto: EditMessageDto,
    @OriginSocket() originSocketId: string | undefined,
  ): Promise<MessageDto> {
    return this.messagesService.editMessage(caller.id, params.id, dto.message, originSocketId);
  }

  /**
   * Delete a message you sent, for everyone.
   * @remarks Its text is erased, not hidden; it stays in the history as a tombstone (`deleted_at` set, `message`
   * empty, no reactions), and stops counting as unread. Within MESSAGE_DELETE_WINDOW_SECONDS of sending (default 0:
   * any time); deleting it again is a 204 that changes nothing. Both users' live sockets receive `message.deleted`.
   * Rate-limited per user, with edits.
   */
  @Delete('messages/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @RateLimited('edit')
  @ApiNoContentResponse({ description: 'Deleted (or already deleted)' })
  @ApiErrors(HttpStatus.BAD_REQUEST, NOT_YOURS_TO_CHANGE, NO_SUCH_MESSAGE)
  @ApiOriginSocket()
  deleteMessage(
    @CurrentUser() caller: AuthUser,
    @Param() params: MessageIdParamDto,
    @OriginSocket() originSocketId: string | undefined,
  ): Promise<void> {
    return this.messagesService.deleteMessage(caller.id, params.id, originSocketId);
  }

  /**
   * React to a message of one of your conversations with an emoji.
   * @remarks `emoji` is exactly one emoji, URL-encoded. Adding a reaction you already made is a 204 that changes
   * nothing; at most 20 different reactions per user on one message. Both users' live sockets receive
   * `message.updated`. Rate-limited per user.
   */
  @Put('messages/:id/reactions/:emoji')
  @HttpCode(HttpStatus.NO_CONTENT)
  @RateLimited('react')
  @ApiNoContentResponse({ description: 'Your reaction is on the message' })
  @ApiErrors(HttpStatus.BAD_REQUEST, NO_SUCH_MESSAGE, CANNOT_MESSAGE, ACCOUNT_DELETED, {
    status: HttpStatus.CONFLICT,
    description: 'The message was deleted, or you already put 20 different reactions on it',
    example: { statusCode: 409, error: 'Conflict', message: 'This message was deleted; it cannot be reacted to' },
  })
  @ApiOriginSocket()
  addReaction(
    @CurrentUser() caller: AuthUser,
    @Param() params: ReactionParamDto,
    @OriginSocket() originSocketId: string | undefined,
  ): Promise<void> {
    return this.messagesService.addReaction(caller.id, params.id, params.emoji, originSocketId);
  }

  /**
   * Take back your reaction to a message.
   * @remarks A 204 also when you had not reacted with that emoji. Both users' live sockets receive
   * `message.updated` when something changed. Rate-limited per user.
   */
  @Delete('messages/:id/reactions/:emoji')
  @HttpCode(HttpStatus.NO_CONTENT)
  @RateLimited('react')
  @ApiNoContentResponse({ description: 'Your reaction is not on the message' })
  @ApiErrors(HttpStatus.BAD_REQUEST, NO_SUCH_MESSAGE)
  @ApiOriginSocket()
  removeReaction(
    @CurrentUser() caller: AuthUser,
    @Param() params: ReactionParamDto,
    @OriginSocket() originSocketId: string | undefined,
  ): Promise<void> {
    return this.messagesService.removeReaction(caller.id, params.id, params.emoji, originSocketId);
  }
}
