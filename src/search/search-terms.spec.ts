import { hasTerms, highlightRanges, parseSearchTerms } from './search-terms.js';

describe('parseSearchTerms', () => {
  it('reads phrases, substrings of three or more letters or digits, and short whole words', () => {
    expect(parseSearchTerms('"meet at noon" addr ok check.exe 4711')).toEqual({
      phrases: ['meet at noon'],
      substrings: ['addr', 'check.exe', '4711'],
      words: ['ok'],
    });
  });

  it('drops punctuation and tsquery syntax instead of passing it on', () => {
    const terms = parseSearchTerms('! & | :* <-> ""');
    expect(hasTerms(terms)).toBe(false);
  });

  it('treats an unbalanced quote as punctuation of the term it touches', () => {
    expect(parseSearchTerms('"address book')).toEqual({ phrases: [], substrings: ['address', 'book'], words: [] });
  });
});

describe('highlightRanges', () => {
  it('marks substrings case- and accent-insensitively, in UTF-16 offsets of the original', () => {
    const message = '🙂 Café at the CAFE';
    const ranges = highlightRanges(message, parseSearchTerms('cafe'));
    expect(ranges.map(({ start, end }) => message.slice(start, end))).toEqual(['Café', 'CAFE']);
  });

  it('marks short terms only as whole words and merges overlaps', () => {
    const message = 'ok, look: ticket-4711-b';
    const ranges = highlightRanges(message, parseSearchTerms('ok 4711 ket-4711'));
    expect(ranges.map(({ start, end }) => message.slice(start, end))).toEqual(['ok', 'ket-4711']);
  });

  it('maps letters unaccent spells out back to the original letter', () => {
    const message = 'Straße';
    const ranges = highlightRanges(message, parseSearchTerms('strasse'));
    expect(ranges).toEqual([{ start: 0, end: 6 }]);
  });
});
