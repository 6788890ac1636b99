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
}

declare module '../events/domain-events.js' {
  interface DomainEvents {
    'message.sent': MessageSent;
    'broadcast.sent': BroadcastSent;
  }
}
