/*
 * The SQL of reports and moderation. A report stores its evidence in the
 * statement that stores it: the reported account's username and the message's
 * text are copied from their rows by the INSERT ... SELECT itself, so what the
 * moderators read is what was there when the user reported it. Every
 * moderator action writes its audit row (moderation_actions) in the statement
 * or transaction that takes it: an action without its row, or a row without
 * its action, cannot be committed.
 */
import type { UserRole } from '../common/caller/auth-user.js';
import { isoTimestamp } from '../database/iso-timestamp.js';
import { prepared } from '../database/prepared-statements.js';
import { writeOutbox } from '../outbox/outbox.js';
import type { ReportReason } from './dto/create-report.dto.js';
import type { ReportStatus } from './dto/list-reports-query.dto.js';
import type { Resolution } from './dto/resolve-report.dto.js';

export interface ReportReceiptRow {
  id: string;
  status: ReportStatus;
  created: string;
}

/*
 * No row: no user has id $2, or $3 is not a message of the conversation between $1 and $2 (the service tells
 * which). The message is matched within that conversation only, so a message of anyone else's is "no message",
 * exactly as one that does not exist.
 */
export const CREATE_REPORT = prepared<
  ReportReceiptRow,
  [
    reporterId: number,
    userId: number,
    messageId: number | null,
    reason: ReportReason,
    details: string | null,
    outbox: boolean,
  ]
>(
  'create_report',
  `WITH report AS (
    INSERT INTO reports (reporter_id, reported_user_id, reported_username, message_id, message_text, reason, details)
    SELECT $1, u.id, u.username, m.id, m.body, $4, $5
      FROM users u
      LEFT JOIN messages m
        ON m.id = $3::bigint AND (m.sender_id, m.recipient_id) IN (($1, u.id), (u.id, $1))
     WHERE u.id = $2 AND ($3::bigint IS NULL OR m.id IS NOT NULL)
    RETURNING id, status, created_at, reporter_id, reported_user_id
  ), ${writeOutbox('outboxed', 'report.created', 'report', { subject: 'id', actor: 'reporter_id', peer: 'reported_user_id' }, '$6')}
  SELECT id, status, ${isoTimestamp('created_at')} AS created FROM report`,
);

export interface ReportRow {
  id: string;
  status: ReportStatus;
  reason: ReportReason;
  details: string | null;
  created: string;
  reporter_id: number;
  reported_user_id: number;
  current_username: string | null;
  deleted: boolean;
  suspended: boolean;
  reported_username: string | null;
  message_id: string | null;
  message_text: string | null;
  resolution: Resolution | null;
  resolution_note: string | null;
  resolved_by: number | null;
  resolved_at: string | null;
}

/** A report aliased `r` with its reported account aliased `u`, as ReportRow. */
const REPORT_COLUMNS = `r.id, r.status, r.reason, r.details, ${isoTimestamp('r.created_at')} AS created, r.reporter_id,
       r.reported_user_id, u.username AS current_username, u.deleted_at IS NOT NULL AS deleted,
       u.suspended_at IS NOT NULL AS suspended, r.reported_username, r.message_id, r.message_text,
       r.resolution, r.resolution_note, r.resolved_by, ${isoTimestamp('r.resolved_at')} AS resolved_at`;

/** The queue: one status, in id order, keyset-paged on reports_status_id_idx. */
export const LIST_REPORTS = prepared<ReportRow, [status: ReportStatus, afterId: string, limit: number]>(
  'list_reports',
  `SELECT ${REPORT_COLUMNS}
     FROM reports r JOIN users u ON u.id = r.reported_user_id
    WHERE r.status = $1 AND r.id > $2::bigint
    ORDER BY r.id
    LIMIT $3`,
);

export const FIND_REPORT = prepared<ReportRow, [reportId: number]>(
  'find_report',
  `SELECT ${REPORT_COLUMNS} FROM reports r JOIN users u ON u.id = r.reported_user_id WHERE r.id = $1::bigint`,
);

/**
 * CTEs `resolved` (the report $1, if still open and `condition` holds, now resolved by the moderator $2 with the
 * action $3 and note $4) and `audited` (its audit row). Only an open report is resolved: of two moderators deciding
 * at once, the second finds it resolved (its UPDATE re-reads the row once the first commits) and changes nothing.
 */
const resolveAndAudit = (condition = 'TRUE') => `resolved AS (
    UPDATE reports SET status = 'resolved', resolved_at = now(), resolved_by = $2, resolution = $3, resolution_note = $4
     WHERE id = $1::bigint AND status = 'open' AND ${condition}
    RETURNING id, reported_user_id, message_id
  ), audited AS (
    INSERT INTO moderation_actions (moderator_id, action, report_id, target_user_id, message_id, note)
    SELECT $2, $3, id, reported_user_id, message_id, $4 FROM resolved
  )`;

export type ResolveParams = [reportId: number, moderatorId: number, action: Resolution, note: string | null];

/** `dismiss` and `delete_message` (whose delete runs first, in the same transaction). No row: it was not open. */
export const RESOLVE_REPORT = prepared<{ id: string }, ResolveParams>(
  'resolve_report',
  `WITH ${resolveAndAudit()} SELECT id FROM resolved`,
);

/*
 * `suspend_user`: the report resolved, the account suspended, every session of it ended and the audit row, in
 * one statement. AUTHENTICATE refuses a suspended account too, so no request gets through in between. Never the
 * moderator's own account ($2): the service says 400 first; this makes it hold under any race.
 */
export const RESOLVE_BY_SUSPENDING = prepared<{ id: string; reported_user_id: number }, ResolveParams>(
  'resolve_report_by_suspending',
  `WITH ${resolveAndAudit('reported_user_id <> $2')},
  suspended AS (
    UPDATE users SET suspended_at = coalesce(suspended_at, now())
     WHERE id = (SELECT reported_user_id FROM resolved)
    RETURNING id
  ), sessions_ended AS (
    DELETE FROM sessions WHERE user_id = (SELECT id FROM suspended)
  )
  SELECT id, reported_user_id FROM resolved`,
);

/** Lifts a suspension (a no-op for an account not suspended, still audited). No row: no user has id $1. */
export const UNSUSPEND = prepared<{ id: number }, [userId: number, moderatorId: number]>(
  'unsuspend_user',
  `WITH target AS (
    SELECT id FROM users WHERE id = $1
  ), unsuspended AS (
    UPDATE users SET suspended_at = NULL WHERE id = (SELECT id FROM target) AND suspended_at IS NOT NULL
  ), audited AS (
    INSERT INTO moderation_actions (moderator_id, action, target_user_id) SELECT $2, 'unsuspend_user', id FROM target
  )
  SELECT id FROM target`,
);

/** The operator CLI's grant and revoke: by username, any case (users_username_lower_key). */
export const SET_ROLE = prepared<{ username: string }, [username: string, role: UserRole]>(
  'set_role',
  'UPDATE users SET role = $2 WHERE lower(username) = lower($1) RETURNING username',
);
