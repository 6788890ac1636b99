import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { keysetPage, MAX_BIGINT } from '../common/keyset-page.js';
import type { PageQueryDto } from '../common/page-query.dto.js';
import { PreparedStatements } from '../database/prepared-statements.js';
import { ReplicaReads } from '../database/replicas/replica-reads.js';
import { EventBus } from '../events/event-bus.js';
import { toMessageDto } from '../messages/message.mapper.js';
import { UsersService } from '../users/users.service.js';
import type { ChatDto } from './dto/chat.dto.js';
import type { ChatPageDto } from './dto/chat-page.dto.js';
import type { HistoryQueryDto } from './dto/history-query.dto.js';
import type { MarkReadResultDto } from './dto/mark-read-result.dto.js';
import type { MessagePageDto } from './dto/message-page.dto.js';
import type { SyncPageDto } from './dto/sync-page.dto.js';
import {
  type ChatRow,
  LIST_CHATS,
  MARK_READ,
  SET_MUTE,
  NEWER_PAGE,
  OLDER_PAGE,
  SYNC_CHATS,
  SYNC_MESSAGES,
} from './chat.queries.js';
import { OutboxSwitch } from '../outbox/outbox-switch.js';

/** More changed chats, or changed messages, than this since a cursor: the client reloads GET /chat instead. */
export const SYNC_LIMIT = 200;

function toChatDto(row: ChatRow): ChatDto {
  return {
    user_id: row.peer_id,
    // A deleted account has no name left: the empty string keeps the field a string for existing clients.
    username: row.username ?? '',
    deleted: row.peer_deleted,
    unread_count: row.unread_count,
    muted: row.muted_until !== null,
    muted_until: row.muted_until === 'infinity' ? null : row.muted_until,
    last_message: toMessageDto(row),
  };
}

@Injectable()
export class ChatsService {
  constructor(
    private readonly statements: PreparedStatements,
    private readonly reads: ReplicaReads,
    private readonly usersService: UsersService,
    private readonly events: EventBus,
    private readonly outbox: OutboxSwitch,
  ) {}

  async listChats(ownerId: number, query: PageQueryDto): Promise<ChatPageDto> {
    const before = query.cursor ? decodeCursor(query.cursor) : String(MAX_BIGINT);
    const rows = await this.reads.read(ownerId, LIST_CHATS, [ownerId, before, query.limit + 1]);
    const page = keysetPage(rows, query.limit, (row) => row.last_message_id);
    return {
      chats: page.rows.map(toChatDto),
      next_cursor: page.nextKey === null ? null : encodeCursor(page.nextKey),
    };
  }

  async getHistory(userId: number, peerId: number, query: HistoryQueryDto): Promise<MessagePageDto> {
    if (query.before !== undefined && query.after !== undefined) {
      throw new BadRequestException('Pass either before or after, not both');
    }
    const pair: [number, number] = [Math.min(userId, peerId), Math.max(userId, peerId)];
    const { after, before, limit } = query;
    const rows =
      after !== undefined
        ? await this.reads.read(userId, NEWER_PAGE, [...pair, after, limit + 1])
        : await this.reads.read(userId, OLDER_PAGE, [...pair, before ?? String(MAX_BIGINT), limit + 1]);
    if (rows.length === 0) {
      await this.usersService.assertExists(peerId);
    }
    // Older pages come newest first from the index; the page's far edge is where the next one starts.
    const page = keysetPage(rows, limit, (row) => Number(row.id));
    if (after === undefined) page.rows.reverse();
    return { messages: page.rows.map(toMessageDto), next_cursor: page.nextKey };
  }

  /**
   * The chats of `ownerId`, and the messages of their conversations, that changed since the cursor `since` (a
   * transaction horizon), and the next cursor. Without `since`, or past SYNC_LIMIT changed chats or messages, only a
   * cursor and `reset`: the client reloads GET /chat. On the primary: its cursor is a transaction horizon of the
   * primary's (pg_snapshot_xmin), which a replica cannot give.
   */
  async syncChats(ownerId: number, since?: string): Promise<SyncPageDto> {
    const sinceXid = since === undefined ? String(MAX_BIGINT) : decodeCursor(since, 'sync1');
    const rows = await this.statements.rows(SYNC_CHATS, [ownerId, sinceXid, SYNC_LIMIT + 1]);
    const changed = rows.filter((row): row is typeof row & ChatRow => row.peer_id !== null);
    // Second, so its snapshot is later than the one the horizon came from: nothing settled below it is missed.
    const messages =
      since === undefined ? [] : await this.statements.rows(SYNC_MESSAGES, [ownerId, sinceXid, SYNC_LIMIT + 1]);
    const reset = since === undefined || changed.length > SYNC_LIMIT || messages.length > SYNC_LIMIT;
    return {
      chats: reset ? [] : changed.map((row) => ({ ...toChatDto(row), peer_read_up_to: Number(row.peer_read_up_to) })),
      messages: reset ? [] : messages.map(toMessageDto),
      next_cursor: encodeCursor(rows[0].horizon, 'sync1'),
      reset,
    };
  }

  /**
   * Marks read what `readerId` received from `senderId`, up to `upToId` when given; the receipt's live
   * announcement skips the reader's socket `originSocketId`.
   */
  /** Mutes (until `until`, or until unmuted) or, with `until` undefined and `mute` false, unmutes a chat. */
  async setMute(ownerId: number, peerId: number, mute: boolean, until?: string): Promise<void> {
    if (until !== undefined && !(Date.parse(until) > Date.now())) {
      throw new BadRequestException('until must be in the future');
    }
    const [row] = await this.statements.rows(SET_MUTE, [ownerId, peerId, mute ? (until ?? 'infinity') : null]);
    if (!row) {
      await this.usersService.assertExists(peerId);
      throw new NotFoundException('You have no chat with this user');
    }
    await this.reads.afterWrite([ownerId]);
  }

  async markChatRead(
    readerId: number,
    senderId: number,
    upToId?: number,
    originSocketId?: string,
  ): Promise<MarkReadResultDto> {
    const [marked] = await this.statements.rows(MARK_READ, [
      readerId,
      senderId,
      upToId ?? String(MAX_BIGINT),
      this.outbox.enabled,
    ]);
    if (marked.up_to_id === null || marked.read_at === null) {
      // Nothing was unread: a 404 if the sender does not exist, else nothing to announce.
      await this.usersService.assertExists(senderId);
    } else {
      await this.reads.afterWrite([readerId, senderId]);
      const readUpTo = Number(marked.up_to_id);
      this.events.publish('chat.read', {
        readerId,
        senderId,
        upToId: readUpTo,
        readAt: marked.read_at,
        originSocketId,
      });
    }
    return { updated: marked.updated };
  }
}
