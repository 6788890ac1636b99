/* A message as the queries select it, and as the API shows it: the row, its columns and its DTO, together. */
import { isoTimestamp } from '../database/iso-timestamp.js';
import type { MessageDto, ReactionDto } from './dto/message.dto.js';

/** How much of a parent message a reply shows, in characters (code points, as PostgreSQL's left() counts). */
export const REPLY_PREVIEW_LENGTH = 140;

/** A messages row as the raw queries return it (bigint ids arrive as strings, timestamps as ISO 8601). */
export interface MessageRow {
  id: string;
  sender_id: number;
  recipient_id: number;
  body: string;
  created_at: string;
  read_at: string | null;
  edited_at: string | null;
  deleted_at: string | null;
  /** The jsonb column as pg parses it: ReactionDto[] in order of first use, or null for none. */
  reactions: ReactionDto[] | null;
  reply_to_id: string | null;
  /** The parent's columns, from REPLY_JOIN; null when the message replies to nothing. */
  reply_sender_id: number | null;
  reply_preview: string | null;
  reply_deleted: boolean | null;
}

/** The columns a statement that writes messages returns (RETURNING), for MESSAGE_COLUMNS to read from. */
export const MESSAGE_FIELDS =
  'id, sender_id, recipient_id, body, created_at, read_at, edited_at, deleted_at, reactions, reply_to_id';

/** Joins the parent `p` of a message `m` (one primary-key lookup, only for a reply). */
export const REPLY_JOIN = 'LEFT JOIN messages p ON p.id = m.reply_to_id';

/** The columns of a MessageRow, from a relation aliased `m` joined to its parent by REPLY_JOIN. */
export const MESSAGE_COLUMNS = `m.id, m.sender_id, m.recipient_id, m.body,
  ${isoTimestamp('m.created_at')} AS created_at, ${isoTimestamp('m.read_at')} AS read_at,
  ${isoTimestamp('m.edited_at')} AS edited_at, ${isoTimestamp('m.deleted_at')} AS deleted_at,
  m.reactions, m.reply_to_id, p.sender_id AS reply_sender_id,
  left(p.body, ${REPLY_PREVIEW_LENGTH}) AS reply_preview, p.deleted_at IS NOT NULL AS reply_deleted`;

export function toMessageDto(row: MessageRow): MessageDto {
  return {
    id: Number(row.id),
    sender_id: row.sender_id,
    recipient_id: row.recipient_id,
    message: row.body,
    created: row.created_at,
    read: row.read_at !== null,
    read_at: row.read_at,
    edited_at: row.edited_at,
    deleted_at: row.deleted_at,
    reactions: row.reactions ?? [],
    reply_to:
      row.reply_to_id === null || row.reply_sender_id === null
        ? null
        : {
            id: Number(row.reply_to_id),
            sender_id: row.reply_sender_id,
            preview: row.reply_preview ?? '',
            deleted: row.reply_deleted === true,
          },
  };
}
