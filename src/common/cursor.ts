/*
 * Opaque paging cursors. Each wraps the keyset position (an id) so clients
 * pass it back untouched and the server can change its encoding later.
 */
import { BadRequestException } from '@nestjs/common';

const MAX_BIGINT = 9223372036854775807n;

export function encodeCursor(position: string | number): string {
  return Buffer.from(`v1:${position}`).toString('base64url');
}

/** Returns the position as a decimal string, ready for a `$n::bigint` parameter. */
export function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^v1:([1-9][0-9]{0,18})$/.exec(decoded);
  if (!match || BigInt(match[1]) > MAX_BIGINT) {
    throw new BadRequestException('cursor is malformed; pass back a next_cursor exactly as received');
  }
  return match[1];
}
