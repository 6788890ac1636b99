/*
 * The session SQL. AUTHENTICATE runs on every authenticated request (sessions_token_hash_key);
 * it reads the caller's whole profile, so GET /current_user needs no query of its own.
 */
import { prepared } from '../database/prepared-statements.js';

export const AUTHENTICATE = prepared(
  'authenticate',
  `SELECT s.id AS session_id, u.id AS user_id, u.username, u.email, u.created_at, u.last_seen_at
     FROM sessions s
     JOIN users u ON u.id = s.user_id
    WHERE s.token_hash = $1 AND s.expires_at > now()`,
);

// Run after AUTHENTICATE when lastSeenIsStale: at most one write per user per minute.
export const TOUCH_LAST_SEEN = prepared('touch_last_seen', 'UPDATE users SET last_seen_at = now() WHERE id = $1');

const LAST_SEEN_RESOLUTION_MS = 60_000;

export function lastSeenIsStale(lastSeenAt: Date | null): boolean {
  return !lastSeenAt || Date.now() - lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS;
}

export const OPEN_SESSION_SQL = `
  INSERT INTO sessions (user_id, token_hash, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))`;

export const CLOSE_SESSION_SQL = 'DELETE FROM sessions WHERE id = $1';

export const CLOSE_ALL_SESSIONS_SQL = 'DELETE FROM sessions WHERE user_id = $1';

export const CLOSE_OTHER_SESSIONS_SQL = 'DELETE FROM sessions WHERE user_id = $1 AND id <> $2';
