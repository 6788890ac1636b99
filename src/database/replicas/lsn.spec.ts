import { fromLsnKey, lsnKey, parseLsn } from './lsn.js';

describe('WAL positions', () => {
  it('compare as numbers, not as the text PostgreSQL prints', () => {
    expect('9/0' > '10/0').toBe(true); // what comparing the text would get wrong
    expect(parseLsn('9/0') < parseLsn('10/0')).toBe(true);
    expect(parseLsn('0/FFFFFFFF') < parseLsn('1/0')).toBe(true);
    expect(parseLsn('1/0') - parseLsn('0/FFFFFFFF')).toBe(1n);
    expect(parseLsn('16/B374D848')).toBe(0x16b374d848n);
  });

  it('keep their order as fixed-width keys (what Redis compares)', () => {
    const positions = ['0/1', '0/FFFFFFFF', '1/0', '9/0', 'A/0', '10/0', 'FFFFFFFF/FFFFFFFF'].map(parseLsn);
    const keys = positions.map(lsnKey);
    expect([...keys].sort()).toEqual(keys);
    expect(keys.map(fromLsnKey)).toEqual(positions);
  });

  it('refuse what is not a position', () => {
    expect(() => parseLsn('12')).toThrow('Not a WAL position');
    expect(() => parseLsn('1/2/3')).toThrow('Not a WAL position');
  });
});
