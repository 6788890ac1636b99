/*
 * The invariant behind every unread count: each chat row equals what the
 * messages table says (unread messages from peer to owner, deleted ones not counted; the pair's newest
 * message), and every pair that has messages has both rows, but a deleted account's own. Used by the
 * benchmark after load and by the race tests; also a check an operator can run.
 */
export const INCONSISTENT_CHATS_SQL = `
  WITH expected AS (
    SELECT owner_id, peer_id, max(id) AS last_message_id, count(*) FILTER (WHERE unread)::int AS unread_count
      FROM (
        SELECT recipient_id AS owner_id, sender_id AS peer_id, id, read_at IS NULL AND deleted_at IS NULL AS unread FROM messages
        UNION ALL
        SELECT sender_id, recipient_id, id, false FROM messages
      ) sides
     -- A deleted account keeps no chat rows of its own (its peers keep theirs).
     WHERE owner_id NOT IN (SELECT id FROM users WHERE deleted_at IS NOT NULL)
     GROUP BY owner_id, peer_id
  )
  SELECT count(*)::int AS inconsistent
    FROM expected e
    FULL JOIN chats c ON c.owner_id = e.owner_id AND c.peer_id = e.peer_id
   WHERE c.owner_id IS NULL OR e.owner_id IS NULL
      OR c.unread_count <> e.unread_count OR c.last_message_id <> e.last_message_id`;
