/* A message as the queries select it, and as the API shows it: the row, its columns and its DTO, together. */
import { isoTimestamp } from '../database/iso-timestamp.js';
import { type StoredAttachment, toAttachmentDto } from '../attachments/dto/attachment.dto.js';
import type { MessageDto, ReactionDto, ReplyToDto } from './dto/message.dto.js';

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
  /** The parent as jsonb, already in its DTO shape; null when the message replies to nothing. */
  reply_to: ReplyToDto | null;
  /** The jsonb column: StoredAttachment[] in the order they were sent, or null for none. */
  attachments: StoredAttachment[] | null;
}

/** The columns a statement that writes messages returns (RETURNING), for MESSAGE_COLUMNS to read from. */
export const MESSAGE_FIELDS =
  'id, sender_id, recipient_id, body, created_at, read_at, edited_at, deleted_at, reactions, reply_to_id, attachments';

/*
 * The parent of a reply, as it is now: one primary-key lookup, run only for a message that is a reply. A LEFT JOIN
 * probed messages_pkey for every row of a page, replies or not, and cost a page about 10% (docs/performance.md).
 */
const REPLY_TO = `CASE WHEN m.reply_to_id IS NOT NULL THEN (
    SELECT jsonb_build_object('id', p.id, 'sender_id', p.sender_id, 'preview', left(p.body, ${REPLY_PREVIEW_LENGTH}),
                              'deleted', p.deleted_at IS NOT NULL)
      FROM messages p WHERE p.id = m.reply_to_id) END`;

/** The columns of a MessageRow, from a relation aliased `m` that has the messages columns. */
export const MESSAGE_COLUMNS = `m.id, m.sender_id, m.recipient_id, m.body,
  ${isoTimestamp('m.created_at')} AS created_at, ${isoTimestamp('m.read_at')} AS read_at,
  ${isoTimestamp('m.edited_at')} AS edited_at, ${isoTimestamp('m.deleted_at')} AS deleted_at,
  m.reactions, ${REPLY_TO} AS reply_to, m.attachments`;

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
    reply_to: row.reply_to,
    attachments: (row.attachments ?? []).map(toAttachmentDto),
  };
}
