/* What the socket layer reads: a session's expiry, which sessions still live, who exists and when last seen. */
import { isoTimestamp } from '../database/iso-timestamp.js';
import { prepared } from '../database/prepared-statements.js';

export interface SessionExpiryRow {
  /** Epoch milliseconds. */
  expires_at: number;
}

export const SESSION_EXPIRY = prepared<SessionExpiryRow, [sessionId: string]>(
  'realtime_session_expiry',
  `SELECT (extract(epoch FROM expires_at) * 1000)::float8 AS expires_at FROM sessions WHERE id = $1`,
);

export interface LiveSessionRow {
  id: string;
}

export const LIVE_SESSIONS = prepared<LiveSessionRow, [sessionIds: string[]]>(
  'realtime_live_sessions',
  'SELECT id FROM sessions WHERE id = ANY($1::bigint[]) AND expires_at > now()',
);

export interface PresenceRow {
  id: number;
  last_seen_at: string | null;
}

export const USERS_LAST_SEEN = prepared<PresenceRow, [userIds: number[]]>(
  'realtime_users_last_seen',
  `SELECT id, ${isoTimestamp('last_seen_at')} AS last_seen_at FROM users WHERE id = ANY($1::int[])`,
);
