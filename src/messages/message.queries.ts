/*
 * The write path of messages. Each write is a single SQL statement that
 * inserts the message(s) and upserts both sides' chat rows, so a message and
 * the unread count it adds are committed together or not at all. The
 * benchmark's SQL baseline runs these same statements.
 *
 * Within a conversation, id order is commit order, so `GET /chat/{id}?after=`
 * never skips a message: ids are drawn before commit, so without a lock two
 * sends could draw N and N+1 and commit N+1 first. Every write to a
 * conversation therefore takes its locks before it draws an id, in one order:
 * both users' locks shared, then the conversation's exclusive. send_to_all
 * takes its sender's lock exclusive instead (one lock, not one per recipient),
 * which waits out every write in the sender's conversations, and a global
 * broadcast lock, so two broadcasts (which share a conversation) never overlap.
 * The same order makes deadlocks impossible: chat rows are only ever locked by
 * a statement holding its conversations' locks.
 */
import { isoTimestamp } from '../database/iso-timestamp.js';
import { prepared } from '../database/prepared-statements.js';
import { CURRENT_XID } from '../database/transaction-stamp.js';
import { MESSAGE_COLUMNS, type MessageRow } from './message.mapper.js';

// Advisory lock classes (the two-integer key space, apart from the migrations' bigint lock).
const USER_LOCK = 1;
const BROADCAST_LOCK = 2;

/**
 * CTEs `users_locked`, then `conversation_locked`, for the conversation of the
 * users in parameters `$a` and `$b`. A statement starts from conversation_locked,
 * which consumes users_locked's row, so the locks are taken in this order.
 */
export function lockConversation(userA: string, userB: string): string {
  const [a, b] = [`${userA}::int`, `${userB}::int`];
  return `users_locked AS (
    SELECT pg_advisory_xact_lock_shared(${USER_LOCK}, LEAST(${a}, ${b})),
           pg_advisory_xact_lock_shared(${USER_LOCK}, GREATEST(${a}, ${b}))
  ), conversation_locked AS (
    SELECT pg_advisory_xact_lock((LEAST(${a}, ${b})::bigint << 32) | GREATEST(${a}, ${b})) FROM users_locked
  )`;
}

export interface SentRow extends MessageRow {
  /** The key was already used: this is the message stored the first time. */
  replayed: boolean;
}

const UPSERT_CHATS = `
  INSERT INTO chats (owner_id, peer_id, last_message_id, unread_count, changed_xid)
  SELECT owner_id, peer_id, message_id, unread, ${CURRENT_XID} FROM sides ORDER BY owner_id, peer_id
  ON CONFLICT (owner_id, peer_id) DO UPDATE
     SET last_message_id = GREATEST(chats.last_message_id, EXCLUDED.last_message_id),
         unread_count = chats.unread_count + EXCLUDED.unread_count,
         changed_xid = EXCLUDED.changed_xid`;

// A retry with a known key inserts nothing (ON CONFLICT), so no chat row moves twice;
// the first message is returned instead, found through messages_sender_id_client_key_key.
export const SEND = prepared<SentRow, [senderId: number, recipientId: number, text: string, clientKey: string | null]>(
  'send',
  `WITH ${lockConversation('$1', '$2')}, message AS (
    INSERT INTO messages (sender_id, recipient_id, body, client_key) SELECT $1, $2, $3, $4 FROM conversation_locked
    ON CONFLICT (sender_id, client_key) DO NOTHING
    RETURNING id, sender_id, recipient_id, body, created_at, read_at
  ), sides AS (
    SELECT recipient_id AS owner_id, sender_id AS peer_id, id AS message_id, 1 AS unread FROM message
    UNION ALL
    SELECT sender_id, recipient_id, id, 0 FROM message
  ), chat_rows AS (${UPSERT_CHATS})
  SELECT ${MESSAGE_COLUMNS}, false AS replayed FROM message m`,
);

export const FIND_BY_CLIENT_KEY = prepared<SentRow, [senderId: number, clientKey: string]>(
  'find_by_client_key',
  `SELECT ${MESSAGE_COLUMNS}, true AS replayed
     FROM messages m WHERE m.sender_id = $1 AND m.client_key = $2`,
);

export const BROADCAST = prepared<{ sent: number; created: string }, [senderId: number, text: string]>(
  'broadcast',
  `WITH broadcast_locked AS (
    SELECT pg_advisory_xact_lock(${BROADCAST_LOCK}, 0)
  ), sender_locked AS (
    SELECT pg_advisory_xact_lock(${USER_LOCK}, $1) FROM broadcast_locked
  ), message AS (
    INSERT INTO messages (sender_id, recipient_id, body)
    SELECT $1, id, $2 FROM users, sender_locked WHERE id <> $1 ORDER BY id
    RETURNING id, sender_id, recipient_id
  ), sides AS (
    SELECT recipient_id AS owner_id, sender_id AS peer_id, id AS message_id, 1 AS unread FROM message
    UNION ALL
    SELECT sender_id, recipient_id, id, 0 FROM message
  ), chat_rows AS (${UPSERT_CHATS})
  SELECT count(*)::int AS sent, ${isoTimestamp('now()')} AS created FROM message`,
);
