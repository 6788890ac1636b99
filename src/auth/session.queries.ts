/*
 * The session SQL. AUTHENTICATE runs on every authenticated request (sessions_token_hash_key);
 * it reads the caller's whole profile, so GET /current_user needs no query of its own.
 */
import { isoTimestamp } from '../database/iso-timestamp.js';
import { prepared } from '../database/prepared-statements.js';

export interface AuthenticatedRow {
  session_id: string;
  user_id: number;
  username: string;
  email: string;
  created_at: string;
  /** last_seen_at is over a minute old (by the database's clock, which writes it): time for TOUCH_LAST_SEEN. */
  last_seen_stale: boolean;
}

export const AUTHENTICATE = prepared(
  'authenticate',
  `SELECT s.id AS session_id, u.id AS user_id, u.username, u.email, ${isoTimestamp('u.created_at')} AS created_at,
          u.last_seen_at IS NULL OR u.last_seen_at < now() - interval '1 minute' AS last_seen_stale
     FROM sessions s
     JOIN users u ON u.id = s.user_id
    WHERE s.token_hash = $1 AND s.expires_at > now()`,
);

// Run after AUTHENTICATE when last_seen_stale: at most one write per user per minute.
export const TOUCH_LAST_SEEN = prepared('touch_last_seen', 'UPDATE users SET last_seen_at = now() WHERE id = $1');

export const OPEN_SESSION_SQL = `
  INSERT INTO sessions (user_id, token_hash, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))`;

export const CLOSE_SESSION_SQL = 'DELETE FROM sessions WHERE id = $1';

export const CLOSE_ALL_SESSIONS_SQL = 'DELETE FROM sessions WHERE user_id = $1';

export const CLOSE_OTHER_SESSIONS_SQL = 'DELETE FROM sessions WHERE user_id = $1 AND id <> $2';
