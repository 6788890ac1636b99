import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/caller/auth-user.js';
import { CurrentUser } from '../common/caller/current-user.decorator.js';
import { ApiOriginSocket, OriginSocket } from '../common/caller/origin-socket.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { PageQueryDto } from '../common/page-query.dto.js';
import { UserIdParamDto } from '../users/dto/user-id-param.dto.js';
import { ChatPageDto } from './dto/chat-page.dto.js';
import { MarkReadResultDto } from './dto/mark-read-result.dto.js';
import { MessagePageDto } from './dto/message-page.dto.js';
import { SyncPageDto } from './dto/sync-page.dto.js';
import { SyncQueryDto } from './dto/sync-query.dto.js';
import { HistoryQueryDto } from './dto/history-query.dto.js';
import { MarkReadDto } from './dto/mark-read.dto.js';
import { MuteChatDto } from './dto/mute-chat.dto.js';
import { ChatsService } from './chats.service.js';

@ApiTags('chats')
@Controller()
export class ChatsController {
  constructor(private readonly chatsService: ChatsService) {}

  /**
   * Your chats, newest activity first, each with its unread count and last message.
   * @remarks Keyset-paginated: pass the `next_cursor` of one page as `cursor` for the next; it is null on the last.
   */
  @Get('chat')
  @ApiErrors(HttpStatus.BAD_REQUEST)
  listChats(@CurrentUser() caller: AuthUser, @Query() query: PageQueryDto): Promise<ChatPageDto> {
    return this.chatsService.listChats(caller.id, query);
  }

  /**
   * A page of your conversation with one user, oldest to newest; the latest page by default.
   * @remarks `before` pages back through older messages, `after` forward from a message id you hold; a user id that
   * does not exist is a 404.
   */
  @Get('chat/:user_id')
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND)
  getChatHistory(
    @CurrentUser() caller: AuthUser,
    @Param() params: UserIdParamDto,
    @Query() query: HistoryQueryDto,
  ): Promise<MessagePageDto> {
    return this.chatsService.getHistory(caller.id, params.user_id, query);
  }

  /**
   * What changed in your chats and their messages since your last sync: the catch-up after a reconnect, and the cursor live
   * clients keep (see docs/realtime.md).
   * @remarks Pass the `next_cursor` of your previous sync as `since`; the first time, omit it and load GET /chat.
   */
  @Get('sync')
  @ApiErrors(HttpStatus.BAD_REQUEST)
  syncChats(@CurrentUser() caller: AuthUser, @Query() query: SyncQueryDto): Promise<SyncPageDto> {
    return this.chatsService.syncChats(caller.id, query.since);
  }

  /**
   * Mark the messages you received from one user as read.
   * @remarks Without a body, all of them; with `up_to_id`, only those up to it. The sender's live sockets receive
   * `message.read`.
   */
  @Post('read/:user_id')
  @HttpCode(HttpStatus.OK)
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND)
  // The body only narrows what is marked; without one, everything received from that user is.
  @ApiBody({ type: MarkReadDto, required: false })
  @ApiOriginSocket()
  markChatRead(
    @CurrentUser() caller: AuthUser,
    @Param() params: UserIdParamDto,
    @Body() dto: MarkReadDto,
    @OriginSocket() originSocketId: string | undefined,
  ): Promise<MarkReadResultDto> {
    return this.chatsService.markChatRead(caller.id, params.user_id, dto.up_to_id, originSocketId);
  }

  /**
   * Mute a chat: no push notifications for its messages, until `until` or until you unmute.
   * @remarks The chat still counts unread and still updates live; GET /chat shows `muted` and `muted_until`. Muting
   * again replaces the end. A user you have no chat with is a 404.
   */
  @Put('chats/:user_id/mute')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiBody({ type: MuteChatDto, required: false })
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND)
  async muteChat(
    @CurrentUser() caller: AuthUser,
    @Param() params: UserIdParamDto,
    @Body() dto: MuteChatDto,
  ): Promise<void> {
    await this.chatsService.setMute(caller.id, params.user_id, true, dto.until);
  }

  /**
   * Unmute a chat.
   * @remarks Pushes for its new messages resume. Also 204 when the chat was not muted.
   */
  @Delete('chats/:user_id/mute')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND)
  async unmuteChat(@CurrentUser() caller: AuthUser, @Param() params: UserIdParamDto): Promise<void> {
    await this.chatsService.setMute(caller.id, params.user_id, false);
  }
}
