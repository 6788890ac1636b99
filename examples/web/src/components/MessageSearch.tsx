import type { HighlightRangeDto, SearchResultDto } from '@parley/client';
import { useEffect, useState } from 'react';
import { describeError } from '../api-error';
import { type ChatState, messagePreview } from '../chat-state';
import type { ParleySession } from '../parley-session';
import {
  highlightSegments,
  moreResultsLoaded,
  resultPeer,
  resultsLoaded,
  type SearchResults,
  snippet,
} from '../search';
import type { Jump, Peer } from './ConversationView';

/** How long typing must pause before the box searches: one request for a word typed, not one per key. */
const SEARCH_DELAY_MS = 250;

const WHEN = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * The messages matching `q` (the search box's text, trimmed, never blank), newest first, searched once typing
 * pauses; each opens its conversation at that message. Only the answer to the current `q` is ever shown.
 */
export function MessageSearch(props: {
  parley: ParleySession;
  state: ChatState;
  q: string;
  onOpen: (peer: Peer, jump: Jump) => void;
}) {
  const { parley, state, q, onOpen } = props;
  const [results, setResults] = useState<SearchResults | null>(null);
  const [failure, setFailure] = useState<{ q: string; message: string } | null>(null);

  useEffect(() => {
    let stale = false;
    const timer = setTimeout(() => {
      parley.search(q).then(
        (page) => {
          if (stale) return;
          setResults(resultsLoaded(q, page));
          setFailure(null);
        },
        (error: unknown) => {
          if (!stale) setFailure({ q, message: describeError(error) });
        },
      );
    }, SEARCH_DELAY_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [parley, q]);

  const more = (cursor: string) =>
    parley.search(q, cursor).then(
      (page) => setResults((current) => moreResultsLoaded(current, q, cursor, page)),
      (error: unknown) => setFailure({ q, message: describeError(error) }),
    );

  const shown = results?.q === q ? results : null;
  const error = failure?.q === q ? failure.message : null;
  return (
    <div className="search-results">
      {error && <p role="alert">{error}</p>}
      {!shown && !error && <p className="hint">Searching…</p>}
      {shown?.messages.length === 0 && <p className="hint">No messages found.</p>}
      {shown && shown.messages.length > 0 && (
        <nav aria-label="Search results">
          <ul className="chat-list">
            {shown.messages.map((result) => (
              <li key={result.id}>
                <SearchResult result={result} me={parley.me.id} state={state} onOpen={onOpen} />
              </li>
            ))}
          </ul>
          {shown.nextCursor !== null && (
            <button type="button" className="more" onClick={() => void more(shown.nextCursor!)}>
              More results
            </button>
          )}
        </nav>
      )}
    </div>
  );
}

/** One result: whose message in which chat, when, and its text with the matches marked. */
function SearchResult(props: {
  result: SearchResultDto;
  me: number;
  state: ChatState;
  onOpen: (peer: Peer, jump: Jump) => void;
}) {
  const { result, me, state, onOpen } = props;
  const peer = resultPeer(result, me, state.chats);
  return (
    <button type="button" onClick={() => onOpen(peer, { messageId: result.id })}>
      <span className="name">{result.sender_id === me ? `You to ${peer.username}` : peer.username}</span>
      <time dateTime={result.created}>{WHEN.format(new Date(result.created))}</time>
      <span className="preview">
        {result.message ? (
          <>
            {result.attachments.length > 0 && '📎 '}
            <Highlighted {...snippet(result.message, result.highlight)} />
          </>
        ) : (
          // Only a file's name matched: there is no text to mark.
          messagePreview(result)
        )}
      </span>
    </button>
  );
}

/** Text with its matches in `<mark>`s, as React text nodes: the message is never parsed as HTML. */
function Highlighted({ text, ranges }: { text: string; ranges: HighlightRangeDto[] }) {
  return highlightSegments(text, ranges).map((segment, index) =>
    segment.match ? <mark key={index}>{segment.text}</mark> : <span key={index}>{segment.text}</span>,
  );
}
