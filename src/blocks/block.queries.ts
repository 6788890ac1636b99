/*
 * The SQL of blocks. BLOCK takes the conversation's locks like a send (message.queries.ts) and commits its row
 * while holding them: a send that waited for them re-checks with a fresh snapshot (parley_assert_can_message)
 * and is refused, and a send that held them first committed before the block. Either way, nothing is stored in
 * the blocker's conversation after the block's 204.
 */
import { isoTimestamp } from '../database/iso-timestamp.js';
import { prepared } from '../database/prepared-statements.js';
import { lockConversation } from '../messages/message.queries.js';
import type { UserRow } from '../users/user.queries.js';

/** `found`: the user to block exists (and is not deleted); a second block of the same user inserts nothing. */
export const BLOCK = prepared<{ found: boolean }, [blockerId: number, blockedId: number]>(
  'block_user',
  `WITH ${lockConversation('$1', '$2')}, target AS (
    SELECT id FROM users WHERE id = $2 AND deleted_at IS NULL
  ), blocked AS (
    INSERT INTO blocks (blocker_id, blocked_id) SELECT $1, id FROM target, conversation_locked
    ON CONFLICT DO NOTHING
  )
  SELECT EXISTS (SELECT FROM target) AS found`,
);

// Needs no conversation lock: an unblock only allows more, and a send that still sees the block is refused as it
// would have been a moment earlier.
export const UNBLOCK = prepared<never, [blockerId: number, blockedId: number]>(
  'unblock_user',
  'DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2',
);

// blocks_pkey: the caller's blocks in blocked-user id order, for keyset paging like GET /users.
export const LIST_BLOCKED = prepared<UserRow, [blockerId: number, afterUserId: string, limit: number]>(
  'list_blocked',
  `SELECT u.id, coalesce(u.username, '') AS username, ${isoTimestamp('u.last_seen_at')} AS last_seen_at,
          EXISTS (SELECT FROM sessions s WHERE s.user_id = u.id AND s.expires_at > now()) AS active
     FROM blocks b JOIN users u ON u.id = b.blocked_id
    WHERE b.blocker_id = $1 AND b.blocked_id > $2::bigint
    ORDER BY b.blocked_id
    LIMIT $3`,
);

/** Of `userIds`, those who blocked `viewerId`: to them the viewer must not learn their presence. */
export const BLOCKERS_AMONG = prepared<{ blocker_id: number }, [viewerId: number, userIds: number[]]>(
  'blockers_among',
  'SELECT blocker_id FROM blocks WHERE blocked_id = $1 AND blocker_id = ANY($2::int[])',
);

/** Whether a block stands between two users, either way (blocks_pkey, twice). */
export const BLOCK_BETWEEN = prepared<{ blocked: boolean }, [userA: number, userB: number]>(
  'block_between',
  `SELECT EXISTS (SELECT FROM blocks WHERE (blocker_id, blocked_id) IN (($1, $2), ($2, $1))) AS blocked`,
);
