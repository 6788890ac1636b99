/* What the auth feature announces on the event bus (src/events), after its statement has committed. */

export type SessionEndReason = 'logout' | 'logout_all' | 'password_changed' | 'suspended' | 'account_deleted';

/** One session ended (logout). */
export interface SessionRevoked {
  sessionId: string;
  reason: 'logout';
}

/** Every session of a user ended, but `exceptSessionId` when given (the one that changed the password). */
export interface UserSessionsRevoked {
  userId: number;
  exceptSessionId?: string;
  reason: Exclude<SessionEndReason, 'logout'>;
}

declare module '../events/domain-events.js' {
  interface DomainEvents {
    'session.revoked': SessionRevoked;
    'user.sessions.revoked': UserSessionsRevoked;
  }
}
