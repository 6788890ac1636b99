/*
 * GET /users: keyset paging on the primary key. A live session makes a user
 * active; sessions_user_id_expires_at_idx answers that per user.
 */
import type { UserFilter } from './dto/list-users-query.dto.js';

const HAS_LIVE_SESSION = 'EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id AND s.expires_at > now())';

const FILTERS: Record<UserFilter, string> = {
  all: 'TRUE',
  active: HAS_LIVE_SESSION,
  inactive: `NOT ${HAS_LIVE_SESSION}`,
};

function listUsersSql(filter: UserFilter): string {
  return `
    SELECT u.id, u.username, u.last_seen_at, ${HAS_LIVE_SESSION} AS active
      FROM users u
     WHERE u.id > $1::bigint AND u.id <> $2 AND ${FILTERS[filter]}
     ORDER BY u.id
     LIMIT $3`;
}

/** One statement per filter: ($1 after id, $2 caller id, $3 limit). */
export const LIST_USERS_SQL: Record<UserFilter, string> = {
  all: listUsersSql('all'),
  active: listUsersSql('active'),
  inactive: listUsersSql('inactive'),
};
