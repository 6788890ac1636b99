/* What the messages feature announces on the event bus (src/events), after its statement has committed. */
import type { MessageDto } from './dto/message.dto.js';

/** A new message; never a replayed idempotent send. */
export interface MessageSent {
  message: MessageDto;
  /** The sender's socket that made the request (X-Socket-Id), which has the message already. */
  originSocketId?: string;
}

/** One message to every other user, stored in one statement. */
export interface BroadcastSent {
  senderId: number;
  text: string;
  created: string;
  /** The users a block separates from the sender: they got no message, and get no announcement. */
  skippedUserIds: number[];
}

/** A message's text or reactions changed; never for a change that changed nothing. */
export interface MessageUpdated {
  message: MessageDto;
  /** The socket that made the request (X-Socket-Id), which knows already. */
  originSocketId?: string;
}

/** A message was deleted for everyone; only its tombstone is left. */
export interface MessageDeleted {
  id: number;
  senderId: number;
  recipientId: number;
  deletedAt: string;
  originSocketId?: string;
}

declare module '../events/domain-events.js' {
  interface DomainEvents {
    'message.sent': MessageSent;
    'message.updated': MessageUpdated;
    'message.deleted': MessageDeleted;
    'broadcast.sent': BroadcastSent;
  }
}
