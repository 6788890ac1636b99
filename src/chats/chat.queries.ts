/*
 * The hot SQL of chats, in one place: each query is one range scan of the
 * index named beside it (see the migration and docs/performance.md). The
 * benchmark's SQL baseline runs these same strings.
 */
import { isoTimestamp } from '../database/iso-timestamp.js';
import { prepared } from '../database/prepared-statements.js';
import { CURRENT_XID, SETTLED_HORIZON } from '../database/transaction-stamp.js';
import { MESSAGE_COLUMNS, type MessageRow } from '../messages/message.mapper.js';
import { lockConversation } from '../messages/message.queries.js';
import { writeOutbox } from '../outbox/outbox.js';

/** A chat with its peer's name, and its last message's columns. */
export interface ChatRow extends MessageRow {
  peer_id: number;
  /** Null once the peer deleted their account. */
  username: string | null;
  peer_deleted: boolean;
  unread_count: number;
  last_message_id: string;
  /** ISO 8601, 'infinity' (until unmuted), or null (not muted, or a mute that has run out). */
  muted_until: string | null;
}

/** A pair of user ids as messages_conversation_idx orders them: (LEAST, GREATEST). */
type Conversation = [lowerUserId: number, higherUserId: number];

/** `c.muted_until` as ChatRow has it: a mute that has run out reads as none. */
const MUTED_UNTIL = `CASE WHEN c.muted_until = 'infinity' THEN 'infinity'
          WHEN c.muted_until > now() THEN ${isoTimestamp('c.muted_until')} END AS muted_until`;

// chats_owner_id_last_message_id_idx: the page of chats is picked first, from the index alone, and only
// its rows are joined to their peer and last message.
export const LIST_CHATS = prepared<ChatRow, [ownerId: number, beforeMessageId: string, limit: number]>(
  'list_chats',
  `SELECT c.peer_id, u.username, u.deleted_at IS NOT NULL AS peer_deleted, c.unread_count, c.last_message_id,
          ${MUTED_UNTIL}, ${MESSAGE_COLUMNS}
     FROM (SELECT peer_id, unread_count, last_message_id, muted_until FROM chats
            WHERE owner_id = $1 AND last_message_id < $2::bigint
            ORDER BY last_message_id DESC
            LIMIT $3) c
     JOIN users u ON u.id = c.peer_id
     JOIN messages m ON m.id = c.last_message_id
    
    ORDER BY c.last_message_id DESC`,
);

// messages_conversation_idx: the pair is matched as (LEAST, GREATEST), exactly as indexed. A page carries its
// reactions in its rows; MESSAGE_COLUMNS adds one primary-key lookup per reply on the page, none for the rest.
const CONVERSATION = 'LEAST(m.sender_id, m.recipient_id) = $1 AND GREATEST(m.sender_id, m.recipient_id) = $2';
export const OLDER_PAGE = prepared<MessageRow, [...Conversation, beforeId: number | string, limit: number]>(
  'older_page',
  `SELECT ${MESSAGE_COLUMNS} FROM messages m
    WHERE ${CONVERSATION} AND m.id < $3::bigint
    ORDER BY m.id DESC LIMIT $4`,
);
export const NEWER_PAGE = prepared<MessageRow, [...Conversation, afterId: number, limit: number]>(
  'newer_page',
  `SELECT ${MESSAGE_COLUMNS} FROM messages m
    WHERE ${CONVERSATION} AND m.id > $3::bigint
    ORDER BY m.id ASC LIMIT $4`,
);

// messages_unread_idx, which holds no deleted message: a delete already took it off the count. Under the conversation's locks (message.queries.ts), like a send: the reader's
// count drops by exactly the rows this statement marked, and the sender's row learns how far it was read.
export const MARK_READ = prepared<
  MarkedRow,
  [readerId: number, senderId: number, upToId: number | string, outbox: boolean]
>(
  'mark_read',
  `WITH ${lockConversation('$1', '$2')}, marked AS (
    UPDATE messages SET read_at = now()
     WHERE recipient_id = $1 AND sender_id = $2 AND read_at IS NULL AND deleted_at IS NULL AND id <= $3::bigint
       AND EXISTS (SELECT FROM conversation_locked)
    RETURNING id, read_at
  ), counted AS (
    SELECT count(*)::int AS updated, max(id) AS up_to_id, max(read_at) AS read_at FROM marked
  ), reader_chat AS (
    UPDATE chats SET unread_count = unread_count - counted.updated, changed_xid = ${CURRENT_XID}
      FROM counted
     WHERE owner_id = $1 AND peer_id = $2 AND counted.updated > 0
  ), sender_chat AS (
    UPDATE chats SET peer_read_up_to = GREATEST(peer_read_up_to, counted.up_to_id), changed_xid = ${CURRENT_XID}
      FROM counted
     WHERE owner_id = $2 AND peer_id = $1 AND counted.updated > 0
  ), ${writeOutbox('outboxed', 'message.read', 'counted', { subject: 'up_to_id', actor: '$1', peer: '$2' }, '$4', 'counted.updated > 0')}
  SELECT updated, up_to_id, ${isoTimestamp('read_at')} AS read_at FROM counted`,
);

/** What a mark-read did: how many it marked, the highest id now read, and when (null when none). */
export interface MarkedRow {
  updated: number;
  up_to_id: string | null;
  read_at: string | null;
}

/** A changed chat for GET /sync with the horizon that is the next cursor; alone (chat columns null) if none changed. */
export type SyncRow = { horizon: string } & (
  (ChatRow & { peer_read_up_to: string }) | { [column in keyof ChatRow | 'peer_read_up_to']: null }
);

// chats_owner_id_changed_xid_idx: the chats a user's transactions stamped at or above the cursor. The
// horizon comes from the same statement's snapshot, so whatever it cannot see yet is stamped at or above it.
export const SYNC_CHATS = prepared<SyncRow, [ownerId: number, sinceXid: string, limit: number]>(
  'sync_chats',
  `SELECT h.horizon, c.peer_id, u.username, CASE WHEN u.id IS NOT NULL THEN u.deleted_at IS NOT NULL END AS peer_deleted,
          c.unread_count, c.last_message_id, c.peer_read_up_to, ${MUTED_UNTIL}, ${MESSAGE_COLUMNS}
     FROM (SELECT ${SETTLED_HORIZON} AS horizon) h
     LEFT JOIN (SELECT peer_id, unread_count, last_message_id, peer_read_up_to, muted_until FROM chats
                 WHERE owner_id = $1 AND changed_xid >= $2::bigint
                 ORDER BY changed_xid
                 LIMIT $3) c ON true
     LEFT JOIN users u ON u.id = c.peer_id
     LEFT JOIN messages m ON m.id = c.last_message_id
    
    ORDER BY c.last_message_id DESC`,
);

// messages_sender_id_changed_xid_idx and messages_recipient_id_changed_xid_idx: the messages of a user's
// conversations that a transaction at or above the cursor edited, deleted or reacted to, one range scan per side.
// Run after SYNC_CHATS, whose horizon is the cursor: this statement's snapshot is later, so it sees everything
// settled below that horizon.
export const SYNC_MESSAGES = prepared<MessageRow, [userId: number, sinceXid: string, limit: number]>(
  'sync_messages',
  `SELECT ${MESSAGE_COLUMNS}
     FROM ((SELECT * FROM messages WHERE sender_id = $1 AND changed_xid >= $2::bigint ORDER BY changed_xid LIMIT $3)
           UNION ALL
           (SELECT * FROM messages WHERE recipient_id = $1 AND changed_xid >= $2::bigint ORDER BY changed_xid LIMIT $3)) m
    
    ORDER BY m.changed_xid, m.id
    LIMIT $3`,
);

// chats_pkey. No row: the caller has no chat with that user (nothing to mute). Stamped like every change of a chat
// row, so the caller's other devices learn of it through GET /sync.
export const SET_MUTE = prepared<
  { muted_until: string | null },
  [ownerId: number, peerId: number, until: string | null]
>(
  'set_chat_mute',
  `UPDATE chats c SET muted_until = $3::timestamptz, changed_xid = ${CURRENT_XID}
    WHERE owner_id = $1 AND peer_id = $2
   RETURNING ${MUTED_UNTIL}`,
);
