import type { ChatDto, MessageDto, SearchResultDto } from '@parley/client';
import {
  type ChatState,
  chatsLoaded,
  historyLoaded,
  initialChatState,
  messageReceived,
  splitAtGap,
} from './chat-state';
import {
  highlightSegments,
  moreResultsLoaded,
  openedAtMessage,
  resultPeer,
  resultsLoaded,
  searchQuery,
  snippet,
} from './search';
import { ME, message, PEER } from './message-fixture';

function result(id: number): SearchResultDto {
  return { ...message(id), highlight: [{ start: 0, end: 7 }] };
}

function chat(userId: number, overrides: Partial<ChatDto> = {}): ChatDto {
  return {
    user_id: userId,
    username: `user${userId}`,
    deleted: false,
    last_message: message(100),
    unread_count: 0,
    muted: false,
    muted_until: null,
    ...overrides,
  };
}

/** Messages `from` to `to`, oldest first. */
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => message(from + index));
const ids = (messages: MessageDto[]) => messages.map((held) => held.id);

describe('search', () => {
  describe('the query', () => {
    it('searches for the trimmed text, and for nothing when the box is blank', () => {
      expect(searchQuery('  zanzibar ')).toBe('zanzibar');
      expect(searchQuery('"road 12"')).toBe('"road 12"');
      expect(searchQuery('')).toBeNull();
      expect(searchQuery(' \t\n ')).toBeNull();
    });
  });

  describe('highlighting', () => {
    const joined = (text: string, ranges: { start: number; end: number }[]) =>
      highlightSegments(text, ranges)
        .map((segment) => segment.text)
        .join('');

    it('cuts the text into plain and matched runs at the ranges', () => {
      expect(highlightSegments('the address is Zanzíbar road 12', [{ start: 15, end: 23 }])).toEqual([
        { text: 'the address is ', match: false },
        { text: 'Zanzíbar', match: true },
        { text: ' road 12', match: false },
      ]);
      // At either end, and two that touch.
      expect(
        highlightSegments('road to road', [
          { start: 0, end: 4 },
          { start: 8, end: 10 },
          { start: 10, end: 12 },
        ]),
      ).toEqual([
        { text: 'road', match: true },
        { text: ' to ', match: false },
        { text: 'ro', match: true },
        { text: 'ad', match: true },
      ]);
      expect(highlightSegments('nothing matched here', [])).toEqual([{ text: 'nothing matched here', match: false }]);
      expect(highlightSegments('', [])).toEqual([]);
    });

    it('counts offsets in UTF-16 code units, as the server does: a character outside the BMP is two', () => {
      // "🎉" is two code units, so "party" starts at 3.
      expect(highlightSegments('🎉 party', [{ start: 3, end: 8 }])).toEqual([
        { text: '🎉 ', match: false },
        { text: 'party', match: true },
      ]);
    });

    it('never loses or repeats a character, whatever the ranges: out of bounds, empty, overlapping or unsorted', () => {
      const text = 'abcdefghij';
      const ranges = [
        { start: -3, end: 2 },
        { start: 4, end: 4 },
        { start: 1, end: 5 },
        { start: 8, end: 40 },
        { start: 6, end: 7 },
      ];
      expect(joined(text, ranges)).toBe(text);
      expect(highlightSegments(text, ranges)).toEqual([
        { text: 'ab', match: true },
        { text: 'cde', match: true },
        { text: 'fgh', match: false },
        { text: 'ij', match: true },
      ]);
    });

    it('shows a long text from shortly before its first match, at a word, with the ranges moved along', () => {
      const text = `${'word '.repeat(30)}and here is the Zanzíbar road`;
      const start = text.indexOf('Zanzíbar');
      const cut = snippet(text, [{ start, end: start + 8 }], 20);
      expect(cut.text.startsWith('…')).toBe(true);
      expect(cut.text.endsWith('Zanzíbar road')).toBe(true);
      expect(cut.text.length).toBeLessThan(start);
      // A whole word after the "…", and the same word marked.
      expect(cut.text[1]).not.toBe(' ');
      expect(text.includes(cut.text.slice(1))).toBe(true);
      expect(highlightSegments(cut.text, cut.ranges).filter((segment) => segment.match)).toEqual([
        { text: 'Zanzíbar', match: true },
      ]);
      // A match near the start: the whole text.
      expect(snippet('the Zanzíbar road', [{ start: 4, end: 12 }])).toEqual({
        text: 'the Zanzíbar road',
        ranges: [{ start: 4, end: 12 }],
      });
    });

    it('cuts a text without spaces between characters, never inside one', () => {
      const text = `${'🎉'.repeat(30)}match`;
      const start = text.indexOf('match');
      for (const lead of [9, 10]) {
        const cut = snippet(text, [{ start, end: start + 5 }], lead);
        expect(cut.text.slice(1)).toMatch(/^(🎉)+match$/u);
        expect(cut.text.slice(cut.ranges[0].start, cut.ranges[0].end)).toBe('match');
      }
    });
  });

  describe('results', () => {
    it('appends a "More results" page to the results it continues', () => {
      const first = resultsLoaded('road', { messages: [result(9), result(8)], next_cursor: 'c1' });
      const more = moreResultsLoaded(first, 'road', 'c1', { messages: [result(5), result(3)], next_cursor: null });
      expect(more).toEqual({ q: 'road', messages: [result(9), result(8), result(5), result(3)], nextCursor: null });
    });

    it('drops a page for another query, one that came twice, and repeats within a page', () => {
      const first = resultsLoaded('road', { messages: [result(9), result(8)], next_cursor: 'c1' });
      const page = { messages: [result(8), result(5)], next_cursor: 'c2' };
      // The box says something else now: the page answers a query no longer shown.
      const other = resultsLoaded('lane', { messages: [result(7)], next_cursor: null });
      expect(moreResultsLoaded(other, 'road', 'c1', page)).toBe(other);
      expect(moreResultsLoaded(null, 'road', 'c1', page)).toBeNull();
      // A double click: the second answer finds the first one appended already.
      const once = moreResultsLoaded(first, 'road', 'c1', page)!;
      expect(moreResultsLoaded(once, 'road', 'c1', page)).toBe(once);
      expect(ids(once.messages)).toEqual([9, 8, 5]);
      expect(once.nextCursor).toBe('c2');
    });

    it("names a result's conversation by its peer, as the chat list does", () => {
      const chats = [chat(PEER), chat(7, { username: '', deleted: true })];
      expect(resultPeer(message(4), ME, chats)).toEqual({ id: PEER, username: `user${PEER}` });
      expect(resultPeer(message(5, ME), ME, chats)).toEqual({ id: PEER, username: `user${PEER}` });
      expect(resultPeer(message(6, 7), ME, chats)).toEqual({ id: 7, username: 'Deleted account' });
      // Before the chat list has loaded.
      expect(resultPeer(message(6, 9), ME, [])).toEqual({ id: 9, username: 'User 9' });
    });
  });

  describe('opening a conversation at a message', () => {
    const listed = chatsLoaded(initialChatState, [chat(PEER)]);
    /** Opened at message 40: the page ending at it (31–40, more before) and the page after it (41–50). */
    const openAt40 = (state: ChatState, newerCursor: number | null = 50) =>
      openedAtMessage(
        state,
        PEER,
        { messages: range(31, 40), next_cursor: 31 },
        { messages: range(41, 50), next_cursor: newerCursor },
      );

    it('holds the two pages around it, pages older from the first, and newer from the second', () => {
      const conversation = openAt40(listed).conversations[PEER];
      expect(ids(conversation.messages)).toEqual(ids(range(31, 50)));
      expect(conversation).toMatchObject({ olderCursor: 31, newerCursor: 50, restMark: 50 });
      expect(splitAtGap(conversation)).toEqual([range(31, 50), []]);
    });

    it('has no gap when the page after it is the last', () => {
      const conversation = openAt40(listed, null).conversations[PEER];
      expect(conversation.newerCursor).toBeNull();
      expect(splitAtGap(conversation)).toEqual([range(31, 50), []]);
    });

    it('keeps the latest messages held, beyond the gap, and drops what was held below', () => {
      const latest = historyLoaded(listed, PEER, 'latest', { messages: range(91, 100), next_cursor: 91 });
      const withOlder = historyLoaded(latest, PEER, 'older', { messages: range(81, 90), next_cursor: 81 });
      // Message 40 is not held: the client asks for its pages, which replace 81–100's paging.
      const conversation = openAt40(withOlder).conversations[PEER];
      expect(ids(conversation.messages)).toEqual([...ids(range(31, 50)), ...ids(range(81, 100))]);
      expect(conversation).toMatchObject({ olderCursor: 31, newerCursor: 50, restMark: 50 });
      const [reached, beyond] = splitAtGap(conversation);
      expect(ids(reached)).toEqual(ids(range(31, 50)));
      expect(ids(beyond)).toEqual(ids(range(81, 100)));
    });

    it('shows a live message beyond the gap, and closes the gap when newer paging reaches the latest', () => {
      const opened = messageReceived(openAt40(listed), message(101), ME);
      expect(opened.conversations[PEER].restMark).toBe(50);
      expect(ids(splitAtGap(opened.conversations[PEER])[1])).toEqual([101]);

      const older = historyLoaded(opened, PEER, 'older', { messages: range(21, 30), next_cursor: null });
      expect(older.conversations[PEER]).toMatchObject({ olderCursor: null, newerCursor: 50 });

      const paged = historyLoaded(older, PEER, 'newer', { messages: range(51, 75), next_cursor: 75 });
      expect(paged.conversations[PEER]).toMatchObject({ newerCursor: 75, restMark: 75 });
      const reached = historyLoaded(paged, PEER, 'newer', { messages: range(76, 101), next_cursor: null });
      const conversation = reached.conversations[PEER];
      expect(conversation).toMatchObject({ newerCursor: null, restMark: 101, olderCursor: null });
      expect(splitAtGap(conversation)).toEqual([range(21, 101), []]);
    });

    it('starts again from the latest page after a /sync reset', () => {
      const reloaded = historyLoaded(openAt40(listed), PEER, 'reload', { messages: range(91, 100), next_cursor: 91 });
      expect(reloaded.conversations[PEER]).toMatchObject({ newerCursor: null, olderCursor: 91, restMark: 100 });
      expect(ids(reloaded.conversations[PEER].messages)).toEqual(ids(range(91, 100)));
    });
  });
});
