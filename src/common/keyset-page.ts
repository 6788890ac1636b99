/*
 * Keyset paging, shared by every list: a query asks for one row more than the
 * page holds, and that extra row says whether another page exists.
 */

/** PostgreSQL's largest bigint: "no upper bound" for a `$n::bigint` keyset position. */
export const MAX_BIGINT = 9223372036854775807n;

export interface KeysetPage<Row, Key> {
  rows: Row[];
  /** The keyset position of the page's last row when another page follows, else null. */
  nextKey: Key | null;
}

/** Cuts `rows` (fetched with LIMIT limit + 1) to one page, and finds where the next page starts. */
export function keysetPage<Row, Key>(rows: Row[], limit: number, keyOf: (row: Row) => Key): KeysetPage<Row, Key> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, nextKey: rows.length > limit && last !== undefined ? keyOf(last) : null };
}
