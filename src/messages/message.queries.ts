/*
 * The write path of messages. Each write is a single SQL statement that
 * inserts the message(s) and upserts both sides' chat rows, so a message and
 * the unread count it adds are committed together or not at all. Chat rows
 * are locked in (owner_id, peer_id) order everywhere, so concurrent sends
 * cannot deadlock. The benchmark's SQL baseline runs these same statements.
 */
import { prepared } from '../database/prepared-statements.js';
import { MESSAGE_COLUMNS } from './message.mapper.js';

const UPSERT_CHATS = `
  INSERT INTO chats (owner_id, peer_id, last_message_id, unread_count)
  SELECT owner_id, peer_id, message_id, unread FROM sides ORDER BY owner_id, peer_id
  ON CONFLICT (owner_id, peer_id) DO UPDATE
     SET last_message_id = GREATEST(chats.last_message_id, EXCLUDED.last_message_id),
         unread_count = chats.unread_count + EXCLUDED.unread_count`;

// A retry with a known key inserts nothing (ON CONFLICT), so no chat row moves twice;
// the first message is returned instead, found through messages_sender_id_client_key_key.
export const SEND = prepared(
  'send',
  `WITH message AS (
    INSERT INTO messages (sender_id, recipient_id, body, client_key) VALUES ($1, $2, $3, $4)
    ON CONFLICT (sender_id, client_key) DO NOTHING
    RETURNING id, sender_id, recipient_id, body, created_at, read_at
  ), sides AS (
    SELECT recipient_id AS owner_id, sender_id AS peer_id, id AS message_id, 1 AS unread FROM message
    UNION ALL
    SELECT sender_id, recipient_id, id, 0 FROM message
  ), chat_rows AS (${UPSERT_CHATS})
  SELECT ${MESSAGE_COLUMNS}, false AS replayed FROM message m`,
);

export const FIND_BY_CLIENT_KEY = prepared(
  'find_by_client_key',
  `SELECT ${MESSAGE_COLUMNS}, true AS replayed
     FROM messages m WHERE m.sender_id = $1 AND m.client_key = $2`,
);

export const BROADCAST = prepared(
  'broadcast',
  `WITH message AS (
    INSERT INTO messages (sender_id, recipient_id, body)
    SELECT $1, id, $2 FROM users WHERE id <> $1 ORDER BY id
    RETURNING id, sender_id, recipient_id
  ), sides AS (
    SELECT recipient_id AS owner_id, sender_id AS peer_id, id AS message_id, 1 AS unread FROM message
    UNION ALL
    SELECT sender_id, recipient_id, id, 0 FROM message
  ), chat_rows AS (${UPSERT_CHATS})
  SELECT count(*)::int AS sent FROM message`,
);
