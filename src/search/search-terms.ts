/*
 * What a search query means (docs/search.md). `q` is split into terms, every one of which a message must match:
 * - a "quoted phrase": its words, whole and in this order;
 * - a term with a run of three or more letters or digits: anywhere in the text, so a prefix (`addr` finds
 *   `address`), a whole word and a substring (`4711` finds `ticket-4711-b`, `check.exe` finds `flag_check.exe`)
 *   are one rule, served by the trigram index;
 * - a shorter term (`ok`, `2b`): a whole word. One or two characters as a substring would match nearly every
 *   message and cannot use the trigram index.
 * Punctuation alone (`!`, `&`, `:*`, `<->`) matches nothing and is dropped. Terms are never spliced into SQL or a
 * tsquery's syntax: they are parameters, read by plainto/phraseto_tsquery and by LIKE with its wildcards escaped.
 */

export interface SearchTerms {
  /** Matched anywhere in the text (LIKE '%term%'). */
  substrings: string[];
  /** Matched as whole words; each may hold several words that must all be there (plainto_tsquery). */
  words: string[];
  /** Matched as whole words in this order (phraseto_tsquery). */
  phrases: string[];
}

/** A search query's longest form, in characters. */
export const MAX_QUERY_LENGTH = 200;

const WORD_CHARACTER = /[\p{L}\p{N}]/u;
const SUBSTRING_RUN = /[\p{L}\p{N}]{3}/u;

export function parseSearchTerms(q: string): SearchTerms {
  const terms: SearchTerms = { substrings: [], words: [], phrases: [] };
  // A quote without its partner opens nothing: it is punctuation in the term it touches.
  for (const [, phrase, bare] of q.matchAll(/"([^"]*)"|([^\s"]+)/gu)) {
    if (phrase !== undefined) {
      if (WORD_CHARACTER.test(phrase)) terms.phrases.push(phrase.trim());
    } else if (SUBSTRING_RUN.test(bare)) {
      terms.substrings.push(bare);
    } else if (WORD_CHARACTER.test(bare)) {
      terms.words.push(bare);
    }
  }
  return terms;
}

export function hasTerms(terms: SearchTerms): boolean {
  return terms.substrings.length + terms.words.length + terms.phrases.length > 0;
}

/** A match in a message's text: UTF-16 offsets into `message` (what JavaScript's string indexes count), end exclusive. */
export interface TextRange {
  start: number;
  end: number;
}

/*
 * Close to what parley_search_text does in PostgreSQL (lower(unaccent(...))): canonical decomposition without
 * its combining marks, plus the letters unaccent spells out that have no decomposition. Only the highlight uses
 * it; which messages match is always PostgreSQL's decision.
 */
const SPELLED_OUT: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', þ: 'th', ı: 'i' };

interface FoldedText {
  text: string;
  /** For each UTF-16 unit of `text`, the [start, end) of the original character it came from. */
  origin: Array<[number, number]>;
}

function fold(original: string): FoldedText {
  let text = '';
  const origin: Array<[number, number]> = [];
  let offset = 0;
  for (const character of original) {
    const lower = character.toLowerCase();
    const folded = SPELLED_OUT[lower] ?? lower.normalize('NFD').replace(/\p{M}/gu, '');
    for (let i = 0; i < folded.length; i++) origin.push([offset, offset + character.length]);
    text += folded;
    offset += character.length;
  }
  return { text, origin };
}

const isWordAt = (text: string, index: number) => index >= 0 && index < text.length && WORD_CHARACTER.test(text[index]);

/** Where the terms occur in `message`, sorted, overlaps merged. Whole-word terms only at word boundaries. */
export function highlightRanges(message: string, terms: SearchTerms): TextRange[] {
  const folded = fold(message);
  const found: TextRange[] = [];
  const mark = (needle: string, wholeWord: boolean) => {
    const target = fold(needle).text;
    if (target.length === 0) return;
    for (let at = folded.text.indexOf(target); at !== -1; at = folded.text.indexOf(target, at + 1)) {
      const end = at + target.length;
      if (wholeWord && (isWordAt(folded.text, at - 1) || isWordAt(folded.text, end))) continue;
      found.push({ start: folded.origin[at][0], end: folded.origin[end - 1][1] });
    }
  };
  for (const term of terms.substrings) mark(term, false);
  for (const term of [...terms.words, ...terms.phrases]) {
    for (const word of term.split(/[^\p{L}\p{N}]+/u)) mark(word, true);
  }
  found.sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: TextRange[] = [];
  for (const range of found) {
    const last = merged.at(-1);
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}
