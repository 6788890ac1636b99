/*
 * Opaque paging cursors. Each wraps a keyset position (an id) so clients
 * pass it back untouched and the server can change its encoding later. The
 * kind names what the position is, so one list's cursor is refused by another.
 */
import { BadRequestException } from '@nestjs/common';
import { MAX_BIGINT } from './keyset-page.js';

/** `v1`: a row id of the list it came from; `sync1`: a transaction horizon (GET /sync). */
export type CursorKind = 'v1' | 'sync1';

export function encodeCursor(position: string | number, kind: CursorKind = 'v1'): string {
  return Buffer.from(`${kind}:${position}`).toString('base64url');
}

/** Returns the position as a decimal string, ready for a `$n::bigint` parameter. */
export function decodeCursor(cursor: string, kind: CursorKind = 'v1'): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^([a-z0-9]+):([1-9][0-9]{0,18})$/.exec(decoded);
  if (!match || match[1] !== kind || BigInt(match[2]) > MAX_BIGINT) {
    throw new BadRequestException('cursor is malformed; pass back a next_cursor exactly as received');
  }
  return match[2];
}
