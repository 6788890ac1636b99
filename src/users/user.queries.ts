/*
 * GET /users: keyset paging on the primary key; deleted accounts are not listed. A live session makes a user
 * active: the LATERAL probe asks sessions_user_id_expires_at_idx once per user
 * on the page (a plain EXISTS let the planner hash the whole sessions table).
 * A user who blocked the caller is shown as presence shows them (realtime/): never active, no last-seen time;
 * one blocks_pkey probe per user on the page.
 */
import { isoTimestamp } from '../database/iso-timestamp.js';
import { prepared, type PreparedStatement } from '../database/prepared-statements.js';
import type { UserFilter } from './dto/list-users-query.dto.js';

export interface UserRow {
  id: number;
  username: string;
  last_seen_at: string | null;
  active: boolean;
}

type ListUsersParams = [afterUserId: string, callerId: number, limit: number];

const FILTERS: Record<UserFilter, string> = {
  all: 'TRUE',
  active: 'live.active',
  inactive: 'live.active IS NULL',
};

function listUsersSql(filter: UserFilter): string {
  return `
    SELECT u.id, u.username, CASE WHEN hidden.yes THEN NULL ELSE ${isoTimestamp('u.last_seen_at')} END AS last_seen_at,
           live.active IS NOT NULL AS active
      FROM users u
      LEFT JOIN LATERAL (
        SELECT true AS yes FROM blocks b WHERE b.blocker_id = u.id AND b.blocked_id = $2
      ) hidden ON true
      LEFT JOIN LATERAL (
        SELECT true AS active FROM sessions s
         WHERE s.user_id = u.id AND s.expires_at > now() AND hidden.yes IS NULL LIMIT 1
      ) live ON true
     WHERE u.id > $1::bigint AND u.id <> $2 AND u.deleted_at IS NULL AND ${FILTERS[filter]}
     ORDER BY u.id
     LIMIT $3`;
}

/** One statement per filter. */
export const LIST_USERS: Record<UserFilter, PreparedStatement<UserRow, ListUsersParams>> = {
  all: prepared('list_users_all', listUsersSql('all')),
  active: prepared('list_users_active', listUsersSql('active')),
  inactive: prepared('list_users_inactive', listUsersSql('inactive')),
};

// The 404 check of routes that name a user (users_pkey).
export const USER_EXISTS = prepared<{ exists: 1 }, [userId: number]>(
  'user_exists',
  'SELECT 1 AS exists FROM users WHERE id = $1',
);
