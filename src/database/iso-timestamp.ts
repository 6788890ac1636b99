/*
 * Timestamps leave PostgreSQL already in the API's format: ISO 8601 in UTC with
 * milliseconds, exactly what Date#toJSON writes (to_char's MS truncates the
 * microseconds as a JS Date does). Parsing each timestamptz into a Date only
 * for JSON.stringify to print it again cost a fifth of a history page's CPU
 * (docs/performance.md). AT TIME ZONE 'UTC' makes it independent of the
 * session's TimeZone.
 */
export function isoTimestamp(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
