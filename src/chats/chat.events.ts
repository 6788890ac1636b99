/* What the chats feature announces on the event bus (src/events), after its statement has committed. */

/** `readerId` read what `senderId` sent, up to `upToId`. */
export interface ChatRead {
  readerId: number;
  senderId: number;
  upToId: number;
  readAt: string;
  /** The reader's socket that made the request (X-Socket-Id), which knows already. */
  originSocketId?: string;
}

declare module '../events/domain-events.js' {
  interface DomainEvents {
    'chat.read': ChatRead;
  }
}
