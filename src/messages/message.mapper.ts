/* A message as the queries select it, and as the API shows it: the row, its columns and its DTO, together. */
import { isoTimestamp } from '../database/iso-timestamp.js';
import type { MessageDto } from './dto/message.dto.js';

/** A messages row as the raw queries return it (bigint ids arrive as strings, timestamps as ISO 8601). */
export interface MessageRow {
  id: string;
  sender_id: number;
  recipient_id: number;
  body: string;
  created_at: string;
  read_at: string | null;
}

/** The columns of a MessageRow, from a relation aliased `m`. */
export const MESSAGE_COLUMNS = `m.id, m.sender_id, m.recipient_id, m.body,
  ${isoTimestamp('m.created_at')} AS created_at, ${isoTimestamp('m.read_at')} AS read_at`;

export function toMessageDto(row: MessageRow): MessageDto {
  return {
    id: Number(row.id),
    sender_id: row.sender_id,
    recipient_id: row.recipient_id,
    message: row.body,
    created: row.created_at,
    read: row.read_at !== null,
    read_at: row.read_at,
  };
}
