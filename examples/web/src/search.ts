/*
 * Message search (`GET /search/messages`) and opening a conversation at a result. Pure functions, unit-tested in
 * search.spec.ts: what the box sends, the results as "More results" pages them, a result's text cut at its matches,
 * and the conversation pages around the message a result opens. The screen is components/MessageSearch.tsx.
 */
import type { ChatDto, HighlightRangeDto, MessageDto, SearchPageDto, SearchResultDto } from '@parley/client';
import { type ChatState, chatName, historyLoaded, peerOf } from './chat-state';

/**
 * The API's longest `q` (it answers 400 above it). The box's `maxLength` counts UTF-16 code units, which are never
 * fewer than the characters the API counts, so a query the box allows is never too long.
 */
export const MAX_SEARCH_LENGTH = 200;

/** What the box's text searches for: trimmed, or null when blank (the API answers 400; the chat list shows instead). */
export function searchQuery(input: string): string | null {
  const q = input.trim();
  return q === '' ? null : q;
}

export interface SearchResults {
  /** The query these results answer: a response for another one is stale, and never shown for this one. */
  q: string;
  /** Newest first, each id once. */
  messages: SearchResultDto[];
  /** `cursor` for "More results"; null when there are no more. */
  nextCursor: string | null;
}

export function resultsLoaded(q: string, page: SearchPageDto): SearchResults {
  return { q, messages: page.messages, nextCursor: page.next_cursor };
}

/**
 * A "More results" page, asked for with `cursor` for `q`. It extends only the results it continues: one that
 * arrives after the query changed, or a second time (a double click), finds other results and changes nothing.
 */
export function moreResultsLoaded(
  results: SearchResults | null,
  q: string,
  cursor: string,
  page: SearchPageDto,
): SearchResults | null {
  if (!results || results.q !== q || results.nextCursor !== cursor) return results;
  const shown = new Set(results.messages.map((message) => message.id));
  return {
    q,
    messages: [...results.messages, ...page.messages.filter((message) => !shown.has(message.id))],
    nextCursor: page.next_cursor,
  };
}

export interface TextSegment {
  text: string;
  /** A match: shown in a `<mark>`. */
  match: boolean;
}

/**
 * `text` cut into plain and matched runs at `ranges` (UTF-16 offsets, end exclusive), for the screen to render as
 * text nodes and `<mark>`s: the message is user text, never parsed as HTML. The server sends the ranges sorted and
 * apart; one out of bounds is clipped, one overlapping an earlier one keeps only what follows it, and an empty one
 * is skipped: a bad range can misplace a mark, never lose or repeat a character.
 */
export function highlightSegments(text: string, ranges: HighlightRangeDto[]): TextSegment[] {
  const segments: TextSegment[] = [];
  let at = 0;
  for (const range of ranges) {
    const start = Math.max(range.start, at);
    const end = Math.min(range.end, text.length);
    if (start >= end) continue;
    if (start > at) segments.push({ text: text.slice(at, start), match: false });
    segments.push({ text: text.slice(start, end), match: true });
    at = end;
  }
  if (at < text.length) segments.push({ text: text.slice(at), match: false });
  return segments;
}

/** How much text a result shows before its first match: a match deep in a long message is still on screen. */
export const SNIPPET_LEAD = 40;

/**
 * A result's text from shortly before its first match (at a word's start where there is one, never inside a
 * character's surrogate pair), with "…" for what was cut and the ranges moved to match.
 */
export function snippet(
  text: string,
  ranges: HighlightRangeDto[],
  lead = SNIPPET_LEAD,
): { text: string; ranges: HighlightRangeDto[] } {
  const first = ranges[0]?.start ?? 0;
  if (first <= lead) return { text, ranges };
  let cut = first - lead;
  const space = text.indexOf(' ', cut);
  if (space !== -1 && space < first) cut = space + 1;
  else if (/[\uDC00-\uDFFF]/.test(text[cut])) cut -= 1;
  const shift = cut - 1; // the "…" takes one code unit
  return {
    text: `…${text.slice(cut)}`,
    ranges: ranges.map(({ start, end }) => ({ start: start - shift, end: end - shift })),
  };
}

/** Whom a result's conversation is with, named as the chat list names them (once the list has loaded). */
export function resultPeer(result: MessageDto, myId: number, chats: ChatDto[]): { id: number; username: string } {
  const id = peerOf(result, myId);
  const chat = chats.find((candidate) => candidate.user_id === id);
  return { id, username: chat ? chatName(chat) : `User ${id}` };
}

/**
 * A conversation opened at a message (a search result): `older` is the page ending at it (`before` = its id + 1),
 * `newer` the page after it (`after` = its id). They replace the messages held below it, whose paging the older
 * page's cursor takes over; messages held above the pair stay. When `newer` is not the last page, a gap lies between
 * the two and the rest: `newerCursor` pages through it, and the latest messages held (or arriving live) sit beyond.
 */
export function openedAtMessage(
  state: ChatState,
  peerId: number,
  older: { messages: MessageDto[]; next_cursor: number | null },
  newer: { messages: MessageDto[]; next_cursor: number | null },
): ChatState {
  return historyLoaded(historyLoaded(state, peerId, 'around', older), peerId, 'newer', newer);
}
