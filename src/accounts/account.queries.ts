/*
 * The SQL of account deletion and the data export.
 *
 * Deletion runs as a short transaction of two statements on one connection (accounts.service.ts):
 * LOCK_ACCOUNT, then ERASE_ACCOUNT. The lock is the user's advisory lock (class USER_LOCK of
 * message.queries.ts) taken exclusive: every write in any of the user's conversations holds it shared, so
 * taking it waits out the writes in flight, and every write after it re-checks the account through
 * parley_assert_can_message once it holds its own locks (the deleted account is then refused). The erase is a
 * statement of its own, not a CTE after the lock, because a statement reads the snapshot taken when it
 * began: an erase that waited on the lock inside itself would not see a message committed while it waited,
 * and would leave that message untombstoned. In READ COMMITTED the second statement's snapshot is taken
 * after the lock is held, so it sees every write the lock waited out.
 */
import { isoTimestamp } from '../database/iso-timestamp.js';
import { prepared } from '../database/prepared-statements.js';
import { CURRENT_XID } from '../database/transaction-stamp.js';
import { BROADCAST_LOCK, MESSAGE_EVENT, reactionsWithout, TOMBSTONE, USER_LOCK } from '../messages/message.queries.js';
import { writeOutbox } from '../outbox/outbox.js';

// The broadcast lock first (the order send_to_all takes its locks in): a send_to_all runs wholly before the
// deletion, or after it, when parley_unreachable_peers sees the account deleted. Without it, a send_to_all that
// read the accounts before this commit could give the erased account a new chat row after the erase.
export const LOCK_ACCOUNT = prepared<never, [userId: number]>(
  'lock_account',
  `WITH broadcast_locked AS (SELECT pg_advisory_xact_lock(${BROADCAST_LOCK}, 0))
   SELECT pg_advisory_xact_lock(${USER_LOCK}, $1) IS NULL AS locked FROM broadcast_locked`,
);

/** What an erase did; no row when the account was already deleted (a concurrent DELETE /current_user). */
export interface ErasedRow {
  tombstoned: number;
  unreacted: number;
}

/*
 * Each data-modifying CTE runs to completion whether or not the final SELECT reads it, and each sees the
 * statement's snapshot, so no two of them may touch one row: the sent and the received messages are disjoint
 * (nobody messages themselves), and the peers' chat rows (owner = peer) are apart from the user's own (owner =
 * user), which go. The peers are found through the user's own rows (chats_pkey): every pair has both rows.
 *
 * - Sent messages become tombstones exactly as DELETE /messages/{id} leaves them (message.queries.ts, DELETE).
 * - Reactions the user left on messages they received lose the user; an emoji nobody is left on goes, and no
 *   emoji left is NULL (REMOVE_REACTION's rule), and each such message is a `message.updated` event, as a
 *   reaction taken off is. Reactions on their sent messages go with the tombstones.
 * - Each peer's chat row is stamped (GET /sync then reports the chat, now with `deleted: true`, and the
 *   tombstones) and its unread count drops by the tombstones that were unread: what a recount would give.
 * - Every file the user uploaded goes (its rows here; its blobs through blob_sweep, migration Attachments), sent
 *   or not; files the peers sent them stay with the messages they received.
 * - The user's own chat rows, sessions and blocks in both directions go; the users row keeps only its id,
 *   created_at and deleted_at (users_erased_check). Messages received, the peers' chat rows and reports stay.
 */
export const ERASE_ACCOUNT = prepared<ErasedRow, [userId: number, outbox: boolean]>(
  'erase_account',
  `WITH erased AS (
    UPDATE users SET username = NULL, email = NULL, password_hash = NULL, last_seen_at = NULL, role = 'user',
           deleted_at = now()
     WHERE id = $1 AND deleted_at IS NULL
    RETURNING id
  ), tombstoned AS (
    UPDATE messages SET ${TOMBSTONE}, changed_xid = ${CURRENT_XID}
     WHERE sender_id = $1 AND deleted_at IS NULL AND EXISTS (SELECT FROM erased)
    RETURNING id, sender_id, recipient_id, read_at
  ), unreacted AS (
    UPDATE messages SET changed_xid = ${CURRENT_XID}, reactions = ${reactionsWithout('$1')}
     WHERE recipient_id = $1
       AND reactions @> jsonb_build_array(jsonb_build_object('user_ids', jsonb_build_array($1::int)))
       AND EXISTS (SELECT FROM erased)
    RETURNING id, sender_id, recipient_id
  ), unread_dropped AS (
    SELECT recipient_id AS owner_id, count(*) FILTER (WHERE read_at IS NULL)::int AS unread
      FROM tombstoned GROUP BY recipient_id
  ), peers AS (
    SELECT mine.peer_id AS owner_id, coalesce(d.unread, 0) AS unread
      FROM chats mine LEFT JOIN unread_dropped d ON d.owner_id = mine.peer_id
     WHERE mine.owner_id = $1 AND EXISTS (SELECT FROM erased)
  ), peer_chats AS (
    UPDATE chats c SET unread_count = c.unread_count - p.unread, changed_xid = ${CURRENT_XID}
      FROM peers p
     WHERE c.owner_id = p.owner_id AND c.peer_id = $1
  ), own_chats AS (
    DELETE FROM chats WHERE owner_id = $1 AND EXISTS (SELECT FROM erased)
  ), sessions_ended AS (
    DELETE FROM sessions WHERE user_id = $1 AND EXISTS (SELECT FROM erased)
  ), blocks_gone AS (
    DELETE FROM blocks WHERE (blocker_id = $1 OR blocked_id = $1) AND EXISTS (SELECT FROM erased)
  ), files_gone AS (
    DELETE FROM attachments WHERE uploader_id = $1 AND EXISTS (SELECT FROM erased)
  ), ${writeOutbox('tombstones_outboxed', 'message.deleted', 'tombstoned', MESSAGE_EVENT, '$2')},
  ${writeOutbox('unreacted_outboxed', 'message.updated', 'unreacted', MESSAGE_EVENT, '$2')},
  ${writeOutbox('outboxed', 'user.deleted', 'erased', { subject: 'id', actor: 'id' }, '$2')}
  SELECT (SELECT count(*) FROM tombstoned)::int AS tombstoned, (SELECT count(*) FROM unreacted)::int AS unreacted
    FROM erased`,
);

/*
 * The export reads everything in one REPEATABLE READ transaction, so the document is one moment's state. The
 * small parts come as one JSON object built by PostgreSQL (EXPORT_HEAD); the messages, which may be millions,
 * come one JSON text per row through a cursor (EXPORT_MESSAGES), written out as they arrive.
 */
export const EXPORT_HEAD = prepared<{ head: string }, [userId: number]>(
  'export_head',
  `SELECT json_build_object(
    'exported_at', ${isoTimestamp('now()')},
    'profile', json_build_object('id', u.id, 'username', u.username, 'email', u.email,
                                 'created_at', ${isoTimestamp('u.created_at')},
                                 'last_seen_at', ${isoTimestamp('u.last_seen_at')}, 'role', u.role),
    'sessions', (SELECT coalesce(json_agg(json_build_object('created_at', ${isoTimestamp('s.created_at')},
                                                            'expires_at', ${isoTimestamp('s.expires_at')})
                                          ORDER BY s.created_at, s.id), '[]')
                   FROM sessions s WHERE s.user_id = u.id),
    'blocks', (SELECT coalesce(json_agg(json_build_object('user_id', b.blocked_id, 'username', bu.username,
                                                          'created_at', ${isoTimestamp('b.created_at')})
                                        ORDER BY b.created_at, b.blocked_id), '[]')
                 FROM blocks b JOIN users bu ON bu.id = b.blocked_id WHERE b.blocker_id = u.id),
    'reports', (SELECT coalesce(json_agg(json_build_object('id', r.id, 'user_id', r.reported_user_id,
                                                           'message_id', r.message_id, 'reason', r.reason,
                                                           'details', r.details, 'status', r.status,
                                                           'created', ${isoTimestamp('r.created_at')})
                                         ORDER BY r.id), '[]')
                  FROM reports r WHERE r.reporter_id = u.id)
  )::text AS head
  FROM users u WHERE u.id = $1`,
);

// messages_sender_id_client_key_key and messages_recipient_id_idx, merged in id order.
export const EXPORT_MESSAGES = prepared<{ message: string }, [userId: number]>(
  'export_messages',
  `SELECT json_build_object('id', m.id, 'sender_id', m.sender_id, 'recipient_id', m.recipient_id, 'message', m.body,
                            'created', ${isoTimestamp('m.created_at')}, 'read_at', ${isoTimestamp('m.read_at')},
                            'edited_at', ${isoTimestamp('m.edited_at')}, 'deleted_at', ${isoTimestamp('m.deleted_at')},
                            'reply_to_id', m.reply_to_id, 'reactions', coalesce(m.reactions, '[]'),
                            'attachments', coalesce(m.attachments, '[]'))::text AS message
     FROM messages m
    WHERE m.sender_id = $1 OR m.recipient_id = $1
    ORDER BY m.id`,
);
