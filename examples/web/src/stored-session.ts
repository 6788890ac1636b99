/*
 * The signed-in session, kept in sessionStorage: per tab, so two windows of one
 * browser can be two users (handy for trying Parley), and gone when the tab is.
 */
import type { SessionDto } from '@parley/client';

const KEY = 'parley.session';

export function loadStoredSession(): SessionDto | null {
  const stored = sessionStorage.getItem(KEY);
  return stored ? (JSON.parse(stored) as SessionDto) : null;
}

export function storeSession(session: SessionDto | null): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
}
