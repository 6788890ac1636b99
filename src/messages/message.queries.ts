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
import { writeOutbox } from '../outbox/outbox.js';
import { MESSAGE_COLUMNS, MESSAGE_FIELDS, type MessageRow } from './message.mapper.js';

// Advisory lock classes (the two-integer key space, apart from the migrations' bigint lock).
export const USER_LOCK = 1;
export const BROADCAST_LOCK = 2;

/**
 * CTEs `users_locked`, then `conversation_locked`, for the conversation of the
 * users `userA` and `userB` (parameters, or columns of the relation `from`). A
 * statement starts from conversation_locked, which consumes users_locked's row,
 * so the locks are taken in this order; with `from` empty, none are taken.
 */
export function lockConversation(userA: string, userB: string, from?: string): string {
  const [a, b] = [`${userA}::int`, `${userB}::int`];
  return `users_locked AS (
    SELECT LEAST(${a}, ${b}) AS low, GREATEST(${a}, ${b}) AS high,
           pg_advisory_xact_lock_shared(${USER_LOCK}, LEAST(${a}, ${b})),
           pg_advisory_xact_lock_shared(${USER_LOCK}, GREATEST(${a}, ${b}))${from ? ` FROM ${from}` : ''}
  ), conversation_locked AS (
    SELECT pg_advisory_xact_lock((low::bigint << 32) | high) FROM users_locked
  )`;
}

/**
 * The CTE `allowed`, one row once the conversation's locks are held and neither account is deleted nor a block
 * stands between its users (else the statement fails with a PB4xx SQLSTATE). parley_assert_can_message reads
 * with a fresh snapshot, after the locks (see its migration): a block or a deletion that committed while this
 * statement waited for them is seen, so no write lands in a conversation after the block's 204.
 */
const allowedAfterLocks = (userA: string, userB: string, from = 'conversation_locked') => `allowed AS (
    SELECT parley_assert_can_message(${userA}, ${userB}) FROM ${from}
  )`;
const ALLOWED = allowedAfterLocks('$1', '$2');

/** A message's event in the outbox: the message, by its sender, to its recipient. */
export const MESSAGE_EVENT = { subject: 'id', actor: 'sender_id', peer: 'recipient_id' };

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

/*
 * The uploads `$7` of a send with files, in that order; they must all be the sender's and not yet attached. They
 * are locked after the conversation's locks (through `allowed`), so two sends racing for one upload attach it once.
 */
const FILES = `files AS MATERIALIZED (
    SELECT id, jsonb_strip_nulls(jsonb_build_object('id', id, 'content_type', content_type, 'size', size,
             'name', name, 'width', width, 'height', height, 'thumbnail', thumbnail_size IS NOT NULL)) AS stored
      FROM attachments
     WHERE id = ANY($7::uuid[]) AND uploader_id = $1 AND message_id IS NULL AND EXISTS (SELECT FROM allowed)
       FOR UPDATE
  )`;

/**
 * A send, with files or without. A retry with a known key inserts nothing (ON CONFLICT), so no chat row moves
 * twice; the first message is returned instead, found through messages_sender_id_client_key_key. The parent of a
 * reply was checked to be in this conversation (FIND_VISIBLE); it can only vanish with a user, and then so does the
 * reply. With files, any of them missing inserts nothing and returns no row (the service says which was wrong);
 * without, the statement is the guarded hot path and has no trace of them.
 */
const sendStatement = (
  withFiles: boolean,
) => `WITH ${lockConversation('$1', '$2')}, ${ALLOWED},${withFiles ? ` ${FILES},` : ''}
  message AS (
    INSERT INTO messages (sender_id, recipient_id, body, client_key, reply_to_id${withFiles ? ', attachments' : ''})
    SELECT $1, $2, $3, $4, $5::bigint${withFiles ? ', (SELECT jsonb_agg(stored ORDER BY array_position($7::uuid[], id)) FROM files)' : ''}
      FROM allowed${withFiles ? ' WHERE (SELECT count(*) FROM files) = cardinality($7::uuid[])' : ''}
    ON CONFLICT (sender_id, client_key) DO NOTHING
    RETURNING ${MESSAGE_FIELDS}
  ),${withFiles ? ' attached AS (UPDATE attachments a SET message_id = message.id FROM message WHERE a.id IN (SELECT id FROM files)),' : ''}
  sides AS (
    SELECT recipient_id AS owner_id, sender_id AS peer_id, id AS message_id, 1 AS unread FROM message
    UNION ALL
    SELECT sender_id, recipient_id, id, 0 FROM message
  ), chat_rows AS (${UPSERT_CHATS}),
  ${writeOutbox('outboxed', 'message.created', 'message', MESSAGE_EVENT, '$6')}
  SELECT ${MESSAGE_COLUMNS}, false AS replayed FROM message m`;

type SendParameters = [
  senderId: number,
  recipientId: number,
  text: string,
  clientKey: string | null,
  replyToId: number | null,
  outbox: boolean,
];

export const SEND = prepared<SentRow, SendParameters>('send', sendStatement(false));

export const SEND_WITH_ATTACHMENTS = prepared<SentRow, [...SendParameters, attachmentIds: string[]]>(
  'send_with_attachments',
  sendStatement(true),
);

export const FIND_BY_CLIENT_KEY = prepared<SentRow, [senderId: number, clientKey: string]>(
  'find_by_client_key',
  `SELECT ${MESSAGE_COLUMNS}, true AS replayed
     FROM messages m WHERE m.sender_id = $1 AND m.client_key = $2`,
);

/** `skipped`: the users a block separates from the sender, whom the live announcement must skip too. */
export const BROADCAST = prepared<
  { sent: number; created: string; skipped: number[] },
  [senderId: number, text: string, outbox: boolean]
>(
  'broadcast',
  `WITH broadcast_locked AS (
    SELECT pg_advisory_xact_lock(${BROADCAST_LOCK}, 0)
  ), sender_locked AS (
    SELECT pg_advisory_xact_lock(${USER_LOCK}, $1) FROM broadcast_locked
  ), unreachable AS MATERIALIZED (
    -- In the select list, so it runs per row of sender_locked: after the lock (its fresh snapshot must see what
    -- committed while the lock was awaited). In FROM, the planner could run it before.
    SELECT parley_unreachable_peers($1) AS peer FROM sender_locked
  ), message AS (
    INSERT INTO messages (sender_id, recipient_id, body)
    SELECT $1, id, $2 FROM users, sender_locked
     WHERE id <> $1 AND id NOT IN (SELECT (peer).user_id FROM unreachable) ORDER BY id
    RETURNING id, sender_id, recipient_id
  ), sides AS (
    SELECT recipient_id AS owner_id, sender_id AS peer_id, id AS message_id, 1 AS unread FROM message
    UNION ALL
    SELECT sender_id, recipient_id, id, 0 FROM message
  ), chat_rows AS (${UPSERT_CHATS}),
  ${writeOutbox('outboxed', 'message.created', 'message', MESSAGE_EVENT, '$3')}
  SELECT count(*)::int AS sent, ${isoTimestamp('now()')} AS created,
         ARRAY(SELECT (peer).user_id FROM unreachable WHERE (peer).by_block) AS skipped
    FROM message`,
);

/*
 * Changing a message: edit, delete for everyone, react. Each is one statement
 * under its conversation's locks, like a send, so it serializes with the
 * sends and reads that write the same chat rows (the unread count a delete
 * lowers) and a user's reaction cap holds under concurrent PUTs. Each stamps
 * the message and both chat rows with its transaction (GET /sync) and
 * returns nothing when it changed nothing: a no-op, or a request the service
 * then explains with FIND_VISIBLE (404, 403, 409).
 */

/** The message `$1` if the caller `$2` is one of its two users: the CTE `target`, whose conversation is locked. */
const LOCK_TARGET = `target AS (
    SELECT sender_id, recipient_id FROM messages WHERE id = $1::bigint AND (sender_id = $2 OR recipient_id = $2)
  ), ${lockConversation('target.sender_id', 'target.recipient_id', 'target')}`;

/*
 * An edit or a reaction puts words in the other user's view, so a block (or a deleted account) refuses it like a
 * send; a delete or the removal of a reaction only takes away, and stays allowed.
 */
const ALLOWED_FOR_TARGET = allowedAfterLocks(
  '$2',
  'CASE WHEN target.sender_id = $2 THEN target.recipient_id ELSE target.sender_id END',
  'conversation_locked, target',
);

/** Sent at most `seconds` ago; 0 is no limit. */
const withinWindow = (seconds: string) =>
  `(${seconds}::int = 0 OR created_at > now() - make_interval(secs => ${seconds}::int))`;

/**
 * The CTE `chats_touched`: both chat rows of each message in `changed` are stamped, and the recipient's unread
 * count drops by one for each message that `unreadDropped` says no longer counts.
 */
const touchChats = (changed: string, unreadDropped = 'false') => `chats_touched AS (
    UPDATE chats c SET changed_xid = ${CURRENT_XID},
           unread_count = c.unread_count - (c.owner_id = x.recipient_id AND ${unreadDropped})::int
      FROM ${changed} x
     WHERE (c.owner_id, c.peer_id) IN ((x.sender_id, x.recipient_id), (x.recipient_id, x.sender_id))
  )`;

/** A message as the caller `$2` may see it, with how old it is, for explaining a change that did nothing. */
export interface VisibleRow extends MessageRow {
  age_seconds: number;
}
export const FIND_VISIBLE = prepared<VisibleRow, [messageId: number, callerId: number]>(
  'find_visible_message',
  `SELECT ${MESSAGE_COLUMNS}, extract(epoch FROM now() - m.created_at)::float8 AS age_seconds
     FROM messages m
    WHERE m.id = $1::bigint AND (m.sender_id = $2 OR m.recipient_id = $2)`,
);

// Same text: no row, no stamp, no event.
export const EDIT = prepared<
  MessageRow,
  [messageId: number, senderId: number, text: string, windowSeconds: number, outbox: boolean]
>(
  'edit_message',
  `WITH ${LOCK_TARGET}, ${ALLOWED_FOR_TARGET}, edited AS (
    UPDATE messages SET body = $3, edited_at = now(), changed_xid = ${CURRENT_XID}
     WHERE id = $1::bigint AND sender_id = $2 AND deleted_at IS NULL AND body <> $3 AND ${withinWindow('$4')}
       AND EXISTS (SELECT FROM allowed)
    RETURNING ${MESSAGE_FIELDS}
  ), ${touchChats('edited')},
  ${writeOutbox('outboxed', 'message.updated', 'edited', MESSAGE_EVENT, '$5')}
  SELECT ${MESSAGE_COLUMNS} FROM edited m`,
);

/** A tombstone: what a delete for everyone leaves. */
export interface DeletedRow {
  id: string;
  sender_id: number;
  recipient_id: number;
  deleted_at: string;
}

/** The SET list that makes a message a tombstone: a delete for everyone, and an account's erasure. */
export const TOMBSTONE = `body = '', reactions = NULL, reply_to_id = NULL, attachments = NULL, edited_at = NULL, deleted_at = now()`;

/**
 * Erased in place, not hidden: the text, reactions and reply link are overwritten in the row itself, and its files
 * go (their blobs through blob_sweep, migration Attachments). An
 * unread message stops counting as unread (and MARK_READ never marks it). `target` is the CTE that locks the
 * message's conversation; `condition` says whose and when.
 */
const deleteForEveryone = (target: string, condition: string, outbox: string) => `WITH ${target}, deleted AS (
    UPDATE messages SET ${TOMBSTONE}, changed_xid = ${CURRENT_XID}
     WHERE id = $1::bigint AND deleted_at IS NULL AND ${condition}
       AND EXISTS (SELECT FROM conversation_locked)
    RETURNING id, sender_id, recipient_id, read_at, deleted_at
  ), files_gone AS (
    DELETE FROM attachments WHERE message_id IN (SELECT id FROM deleted)
  ), ${touchChats('deleted', 'x.read_at IS NULL')},
  ${writeOutbox('outboxed', 'message.deleted', 'deleted', MESSAGE_EVENT, outbox)}
  SELECT id, sender_id, recipient_id, ${isoTimestamp('deleted_at')} AS deleted_at FROM deleted`;

export const DELETE = prepared<
  DeletedRow,
  [messageId: number, senderId: number, windowSeconds: number, outbox: boolean]
>('delete_message', deleteForEveryone(LOCK_TARGET, `sender_id = $2 AND ${withinWindow('$3')}`, '$4'));

// A moderator's delete (a report resolved with delete_message): whoever sent the message, whenever.
export const DELETE_AS_MODERATOR = prepared<DeletedRow, [messageId: number, outbox: boolean]>(
  'delete_message_as_moderator',
  deleteForEveryone(
    `target AS (SELECT sender_id, recipient_id FROM messages WHERE id = $1::bigint),
    ${lockConversation('target.sender_id', 'target.recipient_id', 'target')}`,
    'TRUE',
    '$2',
  ),
);

/*
 * Reactions live in the row as jsonb [{emoji, user_ids}] in order of first use (NULL: none). $2 is the user,
 * $3 the emoji.
 */
const HAS_REACTION = `coalesce(reactions @> jsonb_build_array(jsonb_build_object('emoji', $3::text, 'user_ids', jsonb_build_array($2::int))), false)`;
const REACTIONS_BY_USER = `(SELECT count(*) FROM jsonb_array_elements(coalesce(reactions, '[]')) r
    WHERE r->'user_ids' @> jsonb_build_array($2::int))`;
const WITH_REACTION = `CASE WHEN reactions @> jsonb_build_array(jsonb_build_object('emoji', $3::text))
    THEN (SELECT jsonb_agg(CASE WHEN r->>'emoji' = $3 THEN jsonb_set(r, '{user_ids}', (r->'user_ids') || to_jsonb($2::int))
                                ELSE r END ORDER BY i)
            FROM jsonb_array_elements(reactions) WITH ORDINALITY t(r, i))
    ELSE coalesce(reactions, '[]') || jsonb_build_array(jsonb_build_object('emoji', $3::text, 'user_ids', jsonb_build_array($2::int)))
  END`;
/**
 * The reactions without `user`'s: on the emoji `emoji` only, or (no emoji) on every one. An entry nobody is left on
 * goes; none left is NULL. REMOVE_REACTION takes one reaction off, an account's erasure all of them.
 */
export function reactionsWithout(user: string, emoji?: string): string {
  const remaining = `(SELECT jsonb_agg(u ORDER BY j) FROM jsonb_array_elements(t.r->'user_ids') WITH ORDINALITY v(u, j)
                             WHERE u <> to_jsonb(${user}::int))`;
  return `(SELECT jsonb_agg(jsonb_build_object('emoji', e.emoji, 'user_ids', e.user_ids) ORDER BY e.i)
    FROM (SELECT t.i, t.r->>'emoji' AS emoji,
                 ${emoji ? `CASE WHEN t.r->>'emoji' = ${emoji} THEN ${remaining} ELSE t.r->'user_ids' END` : remaining} AS user_ids
            FROM jsonb_array_elements(reactions) WITH ORDINALITY t(r, i)) e
   WHERE e.user_ids IS NOT NULL)`;
}
const WITHOUT_REACTION = reactionsWithout('$2', '$3');

// Already there, or the user's cap reached: no row (FIND_VISIBLE tells which).
export const ADD_REACTION = prepared<
  MessageRow,
  [messageId: number, userId: number, emoji: string, maxPerUser: number, outbox: boolean]
>(
  'add_reaction',
  `WITH ${LOCK_TARGET}, ${ALLOWED_FOR_TARGET}, reacted AS (
    UPDATE messages SET reactions = ${WITH_REACTION}, changed_xid = ${CURRENT_XID}
     WHERE id = $1::bigint AND (sender_id = $2 OR recipient_id = $2) AND deleted_at IS NULL
       AND NOT ${HAS_REACTION} AND ${REACTIONS_BY_USER} < $4
       AND EXISTS (SELECT FROM allowed)
    RETURNING ${MESSAGE_FIELDS}
  ), ${touchChats('reacted')},
  ${writeOutbox('outboxed', 'message.updated', 'reacted', MESSAGE_EVENT, '$5')}
  SELECT ${MESSAGE_COLUMNS} FROM reacted m`,
);

export const REMOVE_REACTION = prepared<
  MessageRow,
  [messageId: number, userId: number, emoji: string, outbox: boolean]
>(
  'remove_reaction',
  `WITH ${LOCK_TARGET}, unreacted AS (
    UPDATE messages SET reactions = ${WITHOUT_REACTION}, changed_xid = ${CURRENT_XID}
     WHERE id = $1::bigint AND (sender_id = $2 OR recipient_id = $2) AND ${HAS_REACTION}
       AND EXISTS (SELECT FROM conversation_locked)
    RETURNING ${MESSAGE_FIELDS}
  ), ${touchChats('unreacted')},
  ${writeOutbox('outboxed', 'message.updated', 'unreacted', MESSAGE_EVENT, '$4')}
  SELECT ${MESSAGE_COLUMNS} FROM unreacted m`,
);
