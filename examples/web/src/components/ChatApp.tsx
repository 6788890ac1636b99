import type { SessionDto } from '@parley/client';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { type ConnectionStatus, chatName } from '../chat-state';
import { ParleySession, type SignedOutReason } from '../parley-session';
import { MAX_SEARCH_LENGTH, searchQuery } from '../search';
import { ChatList } from './ChatList';
import { ConversationView, type Jump, type Peer } from './ConversationView';
import { MessageSearch } from './MessageSearch';
import { NewChat } from './NewChat';
import { NotificationsToggle } from './NotificationsToggle';
import { SettingsPanel } from './SettingsPanel';

const CONNECTION_LABEL: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  offline: 'Offline',
};

const SIGNED_OUT_NOTICE: Record<SignedOutReason, string> = {
  logout: 'You have logged out.',
  logout_all: 'You were logged out everywhere.',
  password_changed: 'Your password was changed: log in again.',
  suspended: 'A moderator suspended your account.',
  account_deleted: 'Your account was deleted.',
  expired: 'Your session has expired: log in again.',
};

export function ChatApp({ session, onSignedOut }: { session: SessionDto; onSignedOut: (notice: string) => void }) {
  const [parley] = useState(
    () => new ParleySession(session.user, session.token, (reason) => onSignedOut(SIGNED_OUT_NOTICE[reason])),
  );
  const state = useSyncExternalStore(parley.subscribe, parley.getState);
  const [peer, setPeer] = useState<Peer | null>(null);
  // A search result opened: the conversation shows that message instead of its latest page.
  const [jump, setJump] = useState<Jump | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [searchText, setSearchText] = useState('');
  const q = searchQuery(searchText);
  // The chat a notification was about: `/?chat=<id>` when the service worker opened this window for it.
  const [wanted, setWanted] = useState<number | null>(() => chatParameter(window.location.search));
  const select = (next: Peer, at: Jump | null = null) => {
    setSettingsOpen(false);
    setPeer(next);
    setJump(at);
  };

  useEffect(() => {
    parley.start();
    return () => parley.stop();
  }, [parley]);

  // A notification clicked while this window was open: the service worker focuses it and names the chat.
  useEffect(() => {
    if (!('serviceWorker' in navigator)) return;
    const open = (event: MessageEvent) => {
      const data = event.data as { type?: unknown; user_id?: unknown } | null;
      if (data?.type === 'open-chat' && typeof data.user_id === 'number') setWanted(data.user_id);
    };
    navigator.serviceWorker.addEventListener('message', open);
    return () => navigator.serviceWorker.removeEventListener('message', open);
  }, []);

  // Opens the wanted chat once the chat list has it (it loads after the socket connects).
  const wantedChat = wanted === null ? undefined : state.chats.find((chat) => chat.user_id === wanted);
  if (wantedChat) {
    setWanted(null);
    select({ id: wantedChat.user_id, username: chatName(wantedChat) });
  }
  // Then the address loses its `?chat=`, so a reload does not open that chat again.
  useEffect(() => {
    if (wanted === null && new URLSearchParams(window.location.search).has('chat')) {
      window.history.replaceState(null, '', window.location.pathname);
    }
  }, [wanted]);

  return (
    <div className="chat-app">
      <header>
        <strong>Parley</strong>
        <span className="me">{session.user.username}</span>
        <span role="status" aria-label="connection" className={`connection ${state.connection}`}>
          {CONNECTION_LABEL[state.connection]}
        </span>
        <button type="button" aria-pressed={settingsOpen} onClick={() => setSettingsOpen(!settingsOpen)}>
          Settings
        </button>
        <button type="button" onClick={() => void parley.logOut()}>
          Log out
        </button>
      </header>
      <aside>
        <NotificationsToggle parley={parley} />
        <div role="search" className="search">
          <input
            type="search"
            aria-label="Search messages"
            placeholder="Search messages"
            value={searchText}
            maxLength={MAX_SEARCH_LENGTH}
            onChange={(event) => setSearchText(event.target.value)}
          />
        </div>
        {/* Results take the chat list's place while the box has something to search for. */}
        {q === null ? (
          <ChatList state={state} me={session.user.id} selected={peer?.id} onSelect={select} />
        ) : (
          <MessageSearch parley={parley} state={state} q={q} onOpen={select} />
        )}
        <NewChat parley={parley} onSelect={select} />
      </aside>
      {settingsOpen ? (
        <SettingsPanel parley={parley} onClose={() => setSettingsOpen(false)} />
      ) : peer ? (
        <ConversationView key={peer.id} parley={parley} peer={peer} state={state} jump={jump} />
      ) : (
        <section className="conversation empty">Pick a chat, or start one with someone online.</section>
      )}
    </div>
  );
}

/** The `chat` query parameter as a user id, if it is one. */
function chatParameter(search: string): number | null {
  const value = new URLSearchParams(search).get('chat');
  return value !== null && /^[1-9][0-9]{0,9}$/.test(value) ? Number(value) : null;
}
