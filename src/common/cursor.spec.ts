import { BadRequestException } from '@nestjs/common';
import { decodeCursor, encodeCursor } from './cursor.js';

describe('paging cursors', () => {
  it.each([1, 42, '9223372036854775807'])('round-trips the position %s', (position) => {
    expect(decodeCursor(encodeCursor(position))).toBe(String(position));
  });

  it('is opaque: no bare id in the wire value', () => {
    expect(encodeCursor(12345)).not.toContain('12345');
  });

  it.each([
    ['garbage', 'not a cursor'],
    ['a negative position', encodeCursor(-1)],
    ['a leading zero', Buffer.from('v1:007').toString('base64url')],
    ['a position past bigint', Buffer.from('v1:9223372036854775808').toString('base64url')],
    ['another version', Buffer.from('v2:5').toString('base64url')],
    ['an empty string', ''],
  ])('rejects %s with 400', (_label, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(BadRequestException);
  });
});

describe('cursor kinds', () => {
  it('round-trips a sync cursor', () => {
    expect(decodeCursor(encodeCursor('7331', 'sync1'), 'sync1')).toBe('7331');
  });

  it("refuses one list's cursor in another", () => {
    expect(() => decodeCursor(encodeCursor(5), 'sync1')).toThrow(BadRequestException);
    expect(() => decodeCursor(encodeCursor(5, 'sync1'))).toThrow(BadRequestException);
  });
});
