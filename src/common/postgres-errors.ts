/* PostgreSQL SQLSTATE codes the services turn into HTTP answers. */
import { QueryFailedError } from 'typeorm';

export const PG_UNIQUE_VIOLATION = '23505';
export const PG_FOREIGN_KEY_VIOLATION = '23503';
/** A statement cancelled: its statement_timeout passed (or pg_cancel_backend). */
export const PG_QUERY_CANCELED = '57014';

/*
 * Raised by parley_assert_can_message (migration 1764600000000-SafetyAndAccounts), inside the statement that
 * writes to a conversation, after its locks: the sender's account is gone, the recipient's is, or a block stands.
 */
export const PARLEY_SENDER_DELETED = 'PB401';
export const PARLEY_BLOCKED = 'PB403';
export const PARLEY_RECIPIENT_DELETED = 'PB410';

export function pgErrorCode(error: unknown): string | undefined {
  if (error instanceof QueryFailedError) {
    return (error.driverError as { code?: string }).code;
  }
  return (error as { code?: string } | null)?.code;
}

/** The constraint a violation names, e.g. `users_username_lower_key`. */
export function pgConstraint(error: unknown): string | undefined {
  const source: unknown = error instanceof QueryFailedError ? error.driverError : error;
  return (source as { constraint?: string } | null)?.constraint;
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
]);

/** True when the error says the database cannot be reached rather than that the query was wrong. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = pgErrorCode(error);
  if (code && UNAVAILABLE_CODES.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  // The last two: TypeORM before connectDatabase() has succeeded (the database was down at boot).
  return /Connection terminated|timeout exceeded when trying to connect|Driver not Connected|DataSource is not initialized/i.test(
    message,
  );
}
