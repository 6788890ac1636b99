import { type FormEvent, useEffect, useRef, useState } from 'react';
import { describeError } from '../api-error';
import type { ChatState } from '../chat-state';
import type { ParleySession } from '../parley-session';

export interface Peer {
  id: number;
  username: string;
}

export function ConversationView({ parley, peer, state }: { parley: ParleySession; peer: Peer; state: ChatState }) {
  const conversation = state.conversations[peer.id];
  const unread = state.chats.find((chat) => chat.user_id === peer.id)?.unread_count ?? 0;
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  const bottom = useRef<HTMLLIElement>(null);
  const lastId = conversation?.messages.at(-1)?.id;
  const loaded = conversation !== undefined;

  useEffect(() => {
    parley.openConversation(peer.id).catch((failure: unknown) => setError(describeError(failure)));
  }, [parley, peer.id]);

  // What is on screen counts as read: mark it whenever this chat has unread messages and the tab is visible.
  useEffect(() => {
    const markIfVisible = () => {
      if (loaded && unread > 0 && document.visibilityState === 'visible') {
        parley.markRead(peer.id).catch((failure: unknown) => console.warn('mark-read failed', failure));
      }
    };
    markIfVisible();
    document.addEventListener('visibilitychange', markIfVisible);
    return () => document.removeEventListener('visibilitychange', markIfVisible);
  }, [parley, peer.id, unread, loaded]);

  useEffect(() => {
    bottom.current?.scrollIntoView({ block: 'end' });
  }, [lastId]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = draft.trim();
    if (!text) return;
    setDraft('');
    void parley.send(peer.id, text);
  };

  return (
    <section className="conversation" aria-label={`Conversation with ${peer.username}`}>
      <h2>{peer.username}</h2>
      {error && <p role="alert">{error}</p>}
      {conversation?.olderCursor != null && (
        <button type="button" className="older" onClick={() => void parley.loadOlder(peer.id)}>
          Load older messages
        </button>
      )}
      <ol className="messages" aria-label="Messages">
        {conversation?.messages.map((message) => {
          const mine = message.sender_id === parley.me.id;
          const read = message.read || message.id <= conversation.peerReadUpTo;
          return (
            <li key={message.id} className={mine ? 'mine' : 'theirs'}>
              <span className="text">{message.message}</span>
              {mine && <span className="status">{read ? 'Read' : 'Sent'}</span>}
            </li>
          );
        })}
        {conversation?.pending.map((pending) => (
          <li key={pending.idempotencyKey} className="mine pending">
            <span className="text">{pending.message}</span>
            <span className="status">
              {pending.status === 'sending' ? (
                'Sending…'
              ) : (
                <>
                  Not sent{' '}
                  <button type="button" onClick={() => void parley.retry(peer.id, pending.idempotencyKey)}>
                    Retry
                  </button>
                </>
              )}
            </span>
          </li>
        ))}
        <li ref={bottom} className="end" aria-hidden />
      </ol>
      <p className="typing" aria-live="polite">
        {peer.id in state.typingUntil ? `${peer.username} is typing…` : ''}
      </p>
      <form className="composer" onSubmit={submit}>
        <input
          aria-label="Message"
          value={draft}
          maxLength={4000} // the API's limit: POST /send answers 400 above it
          placeholder={`Message ${peer.username}`}
          onChange={(event) => {
            setDraft(event.target.value);
            parley.typing(peer.id);
          }}
        />
        <button type="submit">Send</button>
      </form>
    </section>
  );
}
