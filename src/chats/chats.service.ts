/*
 * Reading chats. The hot SQL of the feature is here; each query is one
 * backward range scan of an index named beside it (see the migration).
 */
import { BadRequestException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import type { PageQueryDto } from '../common/page-query.dto.js';
import { MESSAGE_COLUMNS, type MessageRow, toMessageDto } from '../messages/message.mapper.js';
import { UsersService } from '../users/users.service.js';
import type { ChatPageDto, MarkReadResultDto, MessagePageDto } from './dto/chat.dto.js';
import type { HistoryQueryDto } from './dto/history-query.dto.js';

interface ChatRow extends MessageRow {
  peer_id: number;
  username: string;
  unread_count: number;
  last_message_id: string;
}

const MAX_BIGINT = '9223372036854775807';

// chats_owner_id_last_message_id_idx
const LIST_CHATS_SQL = `
  SELECT c.peer_id, u.username, c.unread_count, c.last_message_id, ${MESSAGE_COLUMNS}
    FROM chats c
    JOIN users u ON u.id = c.peer_id
    JOIN messages m ON m.id = c.last_message_id
   WHERE c.owner_id = $1 AND c.last_message_id < $2::bigint
   ORDER BY c.last_message_id DESC
   LIMIT $3`;

// messages_conversation_idx: the pair is matched as (LEAST, GREATEST), exactly as indexed.
const CONVERSATION = 'LEAST(m.sender_id, m.recipient_id) = $1 AND GREATEST(m.sender_id, m.recipient_id) = $2';
const OLDER_PAGE_SQL = `
  SELECT ${MESSAGE_COLUMNS} FROM messages m
   WHERE ${CONVERSATION} AND m.id < $3::bigint
   ORDER BY m.id DESC LIMIT $4`;
const NEWER_PAGE_SQL = `
  SELECT ${MESSAGE_COLUMNS} FROM messages m
   WHERE ${CONVERSATION} AND m.id > $3::bigint
   ORDER BY m.id ASC LIMIT $4`;

// messages_unread_idx; the chat row's count drops by exactly the rows this statement marked.
const MARK_READ_SQL = `
  WITH marked AS (
    UPDATE messages SET read_at = now()
     WHERE recipient_id = $1 AND sender_id = $2 AND read_at IS NULL AND id <= $3::bigint
    RETURNING 1
  ), counted AS (SELECT count(*)::int AS updated FROM marked),
  chat AS (
    UPDATE chats SET unread_count = unread_count - counted.updated
      FROM counted
     WHERE owner_id = $1 AND peer_id = $2 AND counted.updated > 0
  )
  SELECT updated FROM counted`;

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
