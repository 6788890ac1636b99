/*
 * The SQL of accounts and sessions. AUTHENTICATE runs on every authenticated request
 * (sessions_token_hash_key); it reads the caller's whole profile, so GET /current_user
 * needs no query of its own. Each write is one statement, so a user and the first
 * session, or a new password and the end of the other sessions, commit together.
 */
import { isoTimestamp } from '../database/iso-timestamp.js';
import type { UserRole } from '../common/caller/auth-user.js';
import { prepared } from '../database/prepared-statements.js';
import { writeOutbox } from '../outbox/outbox.js';

/** The profile columns of a user aliased `u`, as the API writes them. */
const PROFILE_COLUMNS = `u.id AS user_id, u.username, u.email, ${isoTimestamp('u.created_at')} AS created_at`;

export interface ProfileRow {
  user_id: number;
  username: string;
  email: string;
  created_at: string;
}

export interface AuthenticatedRow extends ProfileRow {
  session_id: string;
  role: UserRole;
  /** last_seen_at is over a minute old (by the database's clock, which writes it): time for TOUCH_LAST_SEEN. */
  last_seen_stale: boolean;
}

/**
 * $1 token hash. Suspension and deletion end every session in the statement that makes them; the account's
 * state is checked here too, so a session row that survived them (there is none) could still not be used.
 */
export const AUTHENTICATE = prepared<AuthenticatedRow, [tokenHash: Buffer]>(
  'authenticate',
  `SELECT s.id AS session_id, ${PROFILE_COLUMNS}, u.role,
          u.last_seen_at IS NULL OR u.last_seen_at < now() - interval '1 minute' AS last_seen_stale
     FROM sessions s
     JOIN users u ON u.id = s.user_id
    WHERE s.token_hash = $1 AND s.expires_at > now() AND u.suspended_at IS NULL AND u.deleted_at IS NULL`,
);

// Run after AUTHENTICATE when last_seen_stale: at most one write per user per minute.
export const TOUCH_LAST_SEEN = prepared<never, [userId: number]>(
  'touch_last_seen',
  'UPDATE users SET last_seen_at = now() WHERE id = $1',
);

/** A new user and their first session. A taken name or email fails on users_*_lower_key. */
export const SIGN_UP = prepared<
  ProfileRow,
  [username: string, email: string, passwordHash: string, tokenHash: Buffer, ttlSeconds: number, outbox: boolean]
>(
  'sign_up',
  `WITH u AS (
    INSERT INTO users (username, email, password_hash, last_seen_at) VALUES ($1, $2, $3, now())
    RETURNING id, username, email, created_at
  ), session AS (
    INSERT INTO sessions (user_id, token_hash, expires_at) SELECT id, $4, now() + make_interval(secs => $5) FROM u
  ), ${writeOutbox('outboxed', 'user.created', 'u', { subject: 'id', actor: 'id' }, '$6')}
  SELECT ${PROFILE_COLUMNS} FROM u`,
);

export interface CredentialsRow extends ProfileRow {
  password_hash: string;
  suspended: boolean;
}

/** $1 username, any case (users_username_lower_key); a deleted account has no username left to match. */
export const FIND_CREDENTIALS = prepared<CredentialsRow, [username: string]>(
  'find_credentials',
  `SELECT ${PROFILE_COLUMNS}, u.password_hash, u.suspended_at IS NOT NULL AS suspended
     FROM users u WHERE lower(u.username) = lower($1)`,
);

/** $1 user id */
export const FIND_PASSWORD_HASH = prepared<{ password_hash: string }, [userId: number]>(
  'find_password_hash',
  'SELECT password_hash FROM users WHERE id = $1',
);

/** A session for a user whose password was just verified; the login counts as being seen. */
export const OPEN_SESSION = prepared<never, [userId: number, tokenHash: Buffer, ttlSeconds: number]>(
  'open_session',
  `WITH seen AS (UPDATE users SET last_seen_at = now() WHERE id = $1)
   INSERT INTO sessions (user_id, token_hash, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))`,
);

export const CLOSE_SESSION = prepared<never, [sessionId: string]>(
  'close_session',
  'DELETE FROM sessions WHERE id = $1',
);

export const CLOSE_ALL_SESSIONS = prepared<never, [userId: number]>(
  'close_all_sessions',
  'DELETE FROM sessions WHERE user_id = $1',
);

/** The new password, and every session of the user but the current one ends with the old. */
export const CHANGE_PASSWORD = prepared<never, [userId: number, passwordHash: string, keptSessionId: string]>(
  'change_password',
  `WITH changed AS (UPDATE users SET password_hash = $2 WHERE id = $1)
   DELETE FROM sessions WHERE user_id = $1 AND id <> $3`,
);
