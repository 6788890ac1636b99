/*
 * Writing messages. Each write is a single SQL statement that inserts the
 * message(s) and upserts both sides' chat rows, so a message and the unread
 * count it adds are committed together or not at all. Chat rows are locked in
 * (owner_id, peer_id) order everywhere, so concurrent sends cannot deadlock.
 */
import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PG_FOREIGN_KEY_VIOLATION, pgErrorCode } from '../common/postgres-errors.js';
import type { MessageDto } from './dto/message.dto.js';
import type { BroadcastResultDto } from './dto/send-message.dto.js';
import { type MessageRow, toMessageDto } from './message.mapper.js';

const UPSERT_CHATS = `
  INSERT INTO chats (owner_id, peer_id, last_message_id, unread_count)
  SELECT owner_id, peer_id, message_id, unread FROM sides ORDER BY owner_id, peer_id
  ON CONFLICT (owner_id, peer_id) DO UPDATE
     SET last_message_id = GREATEST(chats.last_message_id, EXCLUDED.last_message_id),
         unread_count = chats.unread_count + EXCLUDED.unread_count`;

const SEND_SQL = `
  WITH message AS (
    INSERT INTO messages (sender_id, recipient_id, body) VALUES ($1, $2, $3)
    RETURNING id, sender_id, recipient_id, body, created_at, read_at
  ), sides AS (
    SELECT recipient_id AS owner_id, sender_id AS peer_id, id AS message_id, 1 AS unread FROM message
    UNION ALL
    SELECT sender_id, recipient_id, id, 0 FROM message
  ), chat_rows AS (${UPSERT_CHATS})
  SELECT * FROM message`;

const BROADCAST_SQL = `
  WITH message AS (
    INSERT INTO messages (sender_id, recipient_id, body)
    SELECT $1, id, $2 FROM users WHERE id <> $1 ORDER BY id
    RETURNING id, sender_id, recipient_id
  ), sides AS (
    SELECT recipient_id AS owner_id, sender_id AS peer_id, id AS message_id, 1 AS unread FROM message
    UNION ALL
    SELECT sender_id, recipient_id, id, 0 FROM message
  ), chat_rows AS (${UPSERT_CHATS})
  SELECT count(*)::int AS sent FROM message`;

@Injectable()
export class MessagesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async sendMessage(senderId: number, recipientId: number, text: string): Promise<MessageDto> {
    if (senderId === recipientId) {
      throw new BadRequestException('You cannot send a message to yourself');
    }
    try {
      const rows: MessageRow[] = await this.dataSource.query(SEND_SQL, [senderId, recipientId, text]);
      return toMessageDto(rows[0]);
    } catch (error) {
      if (pgErrorCode(error) === PG_FOREIGN_KEY_VIOLATION) {
        throw new NotFoundException(`No user has id ${recipientId}`);
      }
      throw error;
    }
  }

  /** One message to every other user, in one statement (one transaction). */
  async sendToAll(senderId: number, text: string): Promise<BroadcastResultDto> {
    const rows: BroadcastResultDto[] = await this.dataSource.query(BROADCAST_SQL, [senderId, text]);
    return { sent: rows[0].sent };
  }
}
