import type { SessionDto } from '@parley/client';
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { ConnectionStatus } from '../chat-state';
import { ParleySession, type SignedOutReason } from '../parley-session';
import { ChatList } from './ChatList';
import { ConversationView, type Peer } from './ConversationView';
import { NewChat } from './NewChat';
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
  const [settingsOpen, setSettingsOpen] = useState(false);
  const select = (next: Peer) => {
    setSettingsOpen(false);
    setPeer(next);
  };

  useEffect(() => {
    parley.start();
    return () => parley.stop();
  }, [parley]);

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
        <ChatList state={state} me={session.user.id} selected={peer?.id} onSelect={select} />
        <NewChat parley={parley} onSelect={select} />
      </aside>
      {settingsOpen ? (
        <SettingsPanel parley={parley} onClose={() => setSettingsOpen(false)} />
      ) : peer ? (
        <ConversationView key={peer.id} parley={parley} peer={peer} state={state} />
      ) : (
        <section className="conversation empty">Pick a chat, or start one with someone online.</section>
      )}
    </div>
  );
}
