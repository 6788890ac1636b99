import { BadRequestException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import type { PageQueryDto } from '../common/page-query.dto.js';
import { type MessageRow, toMessageDto } from '../messages/message.mapper.js';
import { UsersService } from '../users/users.service.js';
import type { ChatPageDto, MarkReadResultDto, MessagePageDto } from './dto/chat.dto.js';
import type { HistoryQueryDto } from './dto/history-query.dto.js';
import { LIST_CHATS_SQL, MARK_READ_SQL, MAX_BIGINT, NEWER_PAGE_SQL, OLDER_PAGE_SQL } from './chat.queries.js';

interface ChatRow extends MessageRow {
  peer_id: number;
  username: string;
  unread_count: number;
  last_message_id: string;
}

@Injectable()
export class ChatsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly usersService: UsersService,
  ) {}

  async listChats(ownerId: number, query: PageQueryDto): Promise<ChatPageDto> {
    const before = query.cursor ? decodeCursor(query.cursor) : MAX_BIGINT;
    const rows: ChatRow[] = await this.dataSource.query(LIST_CHATS_SQL, [ownerId, before, query.limit + 1]);
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
    const rows: MessageRow[] = newer
      ? await this.dataSource.query(NEWER_PAGE_SQL, [...pair, query.after, query.limit + 1])
      : await this.dataSource.query(OLDER_PAGE_SQL, [...pair, query.before ?? MAX_BIGINT, query.limit + 1]);
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
    const rows: MarkReadResultDto[] = await this.dataSource.query(MARK_READ_SQL, [
      readerId,
      senderId,
      upToId ?? MAX_BIGINT,
    ]);
    const updated = rows[0].updated;
    if (updated === 0) {
      await this.usersService.assertExists(senderId);
    }
    return { updated };
  }
}
