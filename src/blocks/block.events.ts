/* What the blocks feature announces on the event bus (src/events), after its statement has committed. */

/** `blockerId` blocked `blockedId`: the blocked user's sockets stop watching the blocker's presence. */
export interface UserBlocked {
  blockerId: number;
  blockedId: number;
}

declare module '../events/domain-events.js' {
  interface DomainEvents {
    'user.blocked': UserBlocked;
  }
}
