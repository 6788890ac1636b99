import { retryAfter } from './push-sender.js';

describe('retryAfter', () => {
  const at = Date.parse('2026-12-05T12:00:00Z');

  it('reads delay-seconds and HTTP dates', () => {
    expect(retryAfter('30', at)).toBe(30);
    expect(retryAfter('Sat, 05 Dec 2026 12:01:00 GMT', at)).toBe(60);
    expect(retryAfter('Sat, 05 Dec 2026 11:00:00 GMT', at)).toBe(0);
  });

  it('ignores an absent or unreadable value', () => {
    expect(retryAfter(undefined, at)).toBeUndefined();
    expect(retryAfter('soon', at)).toBeUndefined();
  });
});
