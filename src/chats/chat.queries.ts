/*
 * The hot SQL of chats, in one place: each query is one range scan of the
 * index named beside it (see the migration and docs/performance.md). The
 * benchmark's SQL baseline runs these same strings.
 */
import { prepared } from '../database/prepared-statements.js';
import { MESSAGE_COLUMNS } from '../messages/message.mapper.js';

export const MAX_BIGINT = '9223372036854775807';

// chats_owner_id_last_message_id_idx: the page of chats is picked first, from the index alone, and only
// its rows are joined to their peer and last message.
export const LIST_CHATS = prepared(
  'list_chats',
  `SELECT c.peer_id, u.username, c.unread_count, c.last_message_id, ${MESSAGE_COLUMNS}
     FROM (SELECT peer_id, unread_count, last_message_id FROM chats
            WHERE owner_id = $1 AND last_message_id < $2::bigint
            ORDER BY last_message_id DESC
            LIMIT $3) c
     JOIN users u ON u.id = c.peer_id
     JOIN messages m ON m.id = c.last_message_id
    ORDER BY c.last_message_id DESC`,
);

// messages_conversation_idx: the pair is matched as (LEAST, GREATEST), exactly as indexed.
const CONVERSATION = 'LEAST(m.sender_id, m.recipient_id) = $1 AND GREATEST(m.sender_id, m.recipient_id) = $2';
export const OLDER_PAGE = prepared(
  'older_page',
  `SELECT ${MESSAGE_COLUMNS} FROM messages m
    WHERE ${CONVERSATION} AND m.id < $3::bigint
    ORDER BY m.id DESC LIMIT $4`,
);
export const NEWER_PAGE = prepared(
  'newer_page',
  `SELECT ${MESSAGE_COLUMNS} FROM messages m
    WHERE ${CONVERSATION} AND m.id > $3::bigint
    ORDER BY m.id ASC LIMIT $4`,
);

// messages_unread_idx; the chat row's count drops by exactly the rows this statement marked.
export const MARK_READ = prepared(
  'mark_read',
  `WITH marked AS (
    UPDATE messages SET read_at = now()
     WHERE recipient_id = $1 AND sender_id = $2 AND read_at IS NULL AND id <= $3::bigint
    RETURNING 1
  ), counted AS (SELECT count(*)::int AS updated FROM marked),
  chat AS (
    UPDATE chats SET unread_count = unread_count - counted.updated
      FROM counted
     WHERE owner_id = $1 AND peer_id = $2 AND counted.updated > 0
  )
  SELECT updated FROM counted`,
);
