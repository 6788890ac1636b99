import { BadRequestException, Injectable } from '@nestjs/common';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import type { PageQueryDto } from '../common/page-query.dto.js';
import { PreparedStatements } from '../database/prepared-statements.js';
import { type MessageRow, toMessageDto } from '../messages/message.mapper.js';
import { UsersService } from '../users/users.service.js';
import type { ChatPageDto, MarkReadResultDto, MessagePageDto } from './dto/chat.dto.js';
import type { HistoryQueryDto } from './dto/history-query.dto.js';
import { LIST_CHATS, MARK_READ, MAX_BIGINT, NEWER_PAGE, OLDER_PAGE } from './chat.queries.js';

interface ChatRow extends MessageRow {
  peer_id: number;
  username: string;
  unread_count: number;
  last_message_id: string;
}

@Injectable()
export class ChatsService {
  constructor(
    private readonly statements: PreparedStatements,
    private readonly usersService: UsersService,
  ) {}

  async listChats(ownerId: number, query: PageQueryDto): Promise<ChatPageDto> {
    const before = query.cursor ? decodeCursor(query.cursor) : MAX_BIGINT;
    const rows = await this.statements.rows<ChatRow>(LIST_CHATS, [ownerId, before, query.limit + 1]);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      chats: page.map((row) => ({
        user_id: row.peer_id,
        username: row.username,
        unread_count: row.unread_count,
        last_message: toMessageDto(row),
      })),
      next_cursor: rows.length > query.limit && last ? encodeCursor(last.last_message_id) : null,
    };
  }

  async getHistory(userId: number, peerId: number, query: HistoryQueryDto): Promise<MessagePageDto> {
    if (query.before !== undefined && query.after !== undefined) {
      throw new BadRequestException('Pass either before or after, not both');
    }
    const pair = [Math.min(userId, peerId), Math.max(userId, peerId)];
    const newer = query.after !== undefined;
    const rows = newer
      ? await this.statements.rows<MessageRow>(NEWER_PAGE, [...pair, query.after, query.limit + 1])
      : await this.statements.rows<MessageRow>(OLDER_PAGE, [...pair, query.before ?? MAX_BIGINT, query.limit + 1]);
    if (rows.length === 0) {
      await this.usersService.assertExists(peerId);
    }
    const page = rows.slice(0, query.limit);
    if (!newer) page.reverse();
    const hasMore = rows.length > query.limit;
    const edge = newer ? page.at(-1) : page[0];
    return {
      messages: page.map(toMessageDto),
      next_cursor: hasMore && edge ? Number(edge.id) : null,
    };
  }

  /** Marks read what `readerId` received from `senderId`, up to `upToId` when given. */
  async markChatRead(readerId: number, senderId: number, upToId?: number): Promise<MarkReadResultDto> {
    const [{ updated }] = await this.statements.rows<MarkReadResultDto>(MARK_READ, [
      readerId,
      senderId,
      upToId ?? MAX_BIGINT,
    ]);
    if (updated === 0) {
      await this.usersService.assertExists(senderId);
    }
    return { updated };
  }
}
