/*
 * Transaction ids as change stamps (GET /sync). A row written by a transaction
 * carries its id; every transaction below the oldest one still running is
 * settled (committed or rolled back), so "stamped at or above the horizon" never
 * skips a commit, whatever order transactions commit in. bigint, not xid8:
 * TypeORM's schema tools know no xid8.
 */

/** The writing transaction's id. Uncorrelated, so PostgreSQL computes it once per statement. */
export const CURRENT_XID = '(SELECT pg_current_xact_id()::text::bigint)';

/** The oldest transaction still running, as of the statement's snapshot: the cursor for the next read. */
export const SETTLED_HORIZON = 'pg_snapshot_xmin(pg_current_snapshot())::text::bigint';
