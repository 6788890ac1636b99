import type { SessionDto } from '@parley/client';
import { useState } from 'react';
import { ChatApp } from './components/ChatApp';
import { SignIn } from './components/SignIn';
import { loadStoredSession, storeSession } from './stored-session';

export function App() {
  const [session, setSession] = useState<SessionDto | null>(loadStoredSession);
  const [notice, setNotice] = useState<string | null>(null);

  const signIn = (next: SessionDto | null, reason?: string) => {
    storeSession(next);
    setSession(next);
    setNotice(reason ?? null);
  };

  if (!session) return <SignIn notice={notice} onSignedIn={(next) => signIn(next)} />;
  return <ChatApp key={session.token} session={session} onSignedOut={(reason) => signIn(null, reason)} />;
}
