import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { PageQueryDto } from '../common/page-query.dto.js';
import { UserIdParamDto } from '../users/dto/user-id-param.dto.js';
import { ChatPageDto, MarkReadResultDto, MessagePageDto } from './dto/chat.dto.js';
import { HistoryQueryDto } from './dto/history-query.dto.js';
import { MarkReadDto } from './dto/mark-read.dto.js';
import { ChatsService } from './chats.service.js';

@ApiTags('chats')
@ApiBearerAuth()
@Controller()
export class ChatsController {
  constructor(private readonly chatsService: ChatsService) {}

  /** Your chats, newest activity first, each with its unread count and last message. */
  @Get('chat')
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.UNAUTHORIZED)
  listChats(@CurrentUser() caller: AuthUser, @Query() query: PageQueryDto): Promise<ChatPageDto> {
    return this.chatsService.listChats(caller.id, query);
  }

  /** A page of your conversation with one user, oldest to newest; the latest page by default. */
  @Get('chat/:user_id')
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.UNAUTHORIZED, HttpStatus.NOT_FOUND)
  getChatHistory(
    @CurrentUser() caller: AuthUser,
    @Param() params: UserIdParamDto,
    @Query() query: HistoryQueryDto,
  ): Promise<MessagePageDto> {
    return this.chatsService.getHistory(caller.id, params.user_id, query);
  }

  /** Mark the messages you received from one user as read. */
  @Post('read/:user_id')
  @HttpCode(HttpStatus.OK)
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.UNAUTHORIZED, HttpStatus.NOT_FOUND)
  markChatRead(
    @CurrentUser() caller: AuthUser,
    @Param() params: UserIdParamDto,
    @Body() dto: MarkReadDto,
  ): Promise<MarkReadResultDto> {
    return this.chatsService.markChatRead(caller.id, params.user_id, dto.up_to_id);
  }
}
