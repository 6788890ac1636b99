/*
 * The socket contract: event names and typed event maps. The gateway emits
 * through these maps, the AsyncAPI document (docs/asyncapi.ts) is built from
 * them, and clients type their socket with them:
 * `Socket<ServerToClientEvents, ClientToServerEvents>`.
 */
import type { Server, Socket } from 'socket.io';
import type { ErrorResponseDto } from '../common/error-response.dto.js';
import type { MessageDto } from '../messages/dto/message.dto.js';
import {
  type AckOkDto,
  type BroadcastEventDto,
  type MessageDeletedEventDto,
  type MessageReadEventDto,
  type PresenceAwayDto,
  type PresenceEventDto,
  type PresenceWatchDto,
  type SessionExpiredEventDto,
  type SessionRevokedEventDto,
  type TypingDto,
  type TypingEventDto,
  MAX_WATCHED_USERS,
} from './dto/realtime-events.dto.js';

export const SERVER_EVENTS = {
  MESSAGE_NEW: 'message.new',
  MESSAGE_READ: 'message.read',
  MESSAGE_UPDATED: 'message.updated',
  MESSAGE_DELETED: 'message.deleted',
  BROADCAST_NEW: 'broadcast.new',
  TYPING: 'typing',
  PRESENCE: 'presence',
  SESSION_REVOKED: 'session.revoked',
  SESSION_EXPIRED: 'session.expired',
} as const;

export const CLIENT_EVENTS = {
  TYPING: 'typing',
  PRESENCE_WATCH: 'presence.watch',
  PRESENCE_AWAY: 'presence.away',
} as const;

export type Ack = AckOkDto | ErrorResponseDto;

export interface ServerToClientEvents {
  [SERVER_EVENTS.MESSAGE_NEW]: (message: MessageDto) => void;
  [SERVER_EVENTS.MESSAGE_READ]: (event: MessageReadEventDto) => void;
  [SERVER_EVENTS.MESSAGE_UPDATED]: (message: MessageDto) => void;
  [SERVER_EVENTS.MESSAGE_DELETED]: (event: MessageDeletedEventDto) => void;
  [SERVER_EVENTS.BROADCAST_NEW]: (event: BroadcastEventDto) => void;
  [SERVER_EVENTS.TYPING]: (event: TypingEventDto) => void;
  [SERVER_EVENTS.PRESENCE]: (event: PresenceEventDto) => void;
  [SERVER_EVENTS.SESSION_REVOKED]: (event: SessionRevokedEventDto) => void;
  [SERVER_EVENTS.SESSION_EXPIRED]: (event: SessionExpiredEventDto) => void;
}

export interface ClientToServerEvents {
  [CLIENT_EVENTS.TYPING]: (event: TypingDto, ack: (answer: Ack) => void) => void;
  [CLIENT_EVENTS.PRESENCE_WATCH]: (event: PresenceWatchDto, ack: (answer: Ack) => void) => void;
  [CLIENT_EVENTS.PRESENCE_AWAY]: (event: PresenceAwayDto, ack: (answer: Ack) => void) => void;
}

/** What the documentation says about each event: who receives it, and the schema (an OpenAPI component) of its payload. */
export const SERVER_EVENT_DOCS: Record<
  (typeof SERVER_EVENTS)[keyof typeof SERVER_EVENTS],
  { to: string; payload: string }
> = {
  'message.new': {
    to:
      "Every socket of the recipient and every other socket of the sender: the one named in the send's " +
      'X-Socket-Id header is skipped (without one, all of them). The payload is the MessageDto that POST /send returned.',
    payload: 'MessageDto',
  },
  'message.read': {
    to:
      'Every socket of the user whose messages were read, and every other socket of the reader: the one named in ' +
      "POST /read's X-Socket-Id header is skipped (without one, all of them).",
    payload: 'MessageReadEventDto',
  },
  'message.updated': {
    to:
      'Every socket of both users of the conversation when a message was edited or a reaction added or removed; the ' +
      "one named in the request's X-Socket-Id header is skipped. The payload is the MessageDto as it is now: replace " +
      'your copy by `id`. Never sent for a request that changed nothing.',
    payload: 'MessageDto',
  },
  'message.deleted': {
    to:
      'Every socket of both users of the conversation when the sender deleted a message for everyone; the one ' +
      "named in DELETE's X-Socket-Id header is skipped. Show the tombstone: the text is gone.",
    payload: 'MessageDeletedEventDto',
  },
  'broadcast.new': {
    to: 'Every connected user but the sender and the users a block separates from the sender, as one emit.',
    payload: 'BroadcastEventDto',
  },
  typing: { to: "The peer's sockets; never across a block.", payload: 'TypingEventDto' },
  presence: {
    to: 'Sockets that watch that user (presence.watch); never the sockets of a user that user blocked.',
    payload: 'PresenceEventDto',
  },
  'session.revoked': {
    to:
      "The ended session's sockets; the server then disconnects them. Every session ends, on every instance, when a " +
      'moderator suspends the account (`suspended`) or its owner deletes it (`account_deleted`).',
    payload: 'SessionRevokedEventDto',
  },
  'session.expired': {
    to: 'The socket whose session reached its expiry; the server then disconnects it.',
    payload: 'SessionExpiredEventDto',
  },
};

export const CLIENT_EVENT_DOCS: Record<
  (typeof CLIENT_EVENTS)[keyof typeof CLIENT_EVENTS],
  { about: string; payload: string }
> = {
  typing: {
    about:
      'Tell a peer you are (or stopped) typing; rate-limited per user. Acknowledged but dropped when a block stands ' +
      'between you.',
    payload: 'TypingDto',
  },
  'presence.watch': {
    about:
      `Follow the presence of up to ${MAX_WATCHED_USERS} users (replaces the previous list); rate-limited per user. ` +
      'A user who blocked you is reported offline with no last-seen time.',
    payload: 'PresenceWatchDto',
  },
  'presence.away': {
    about:
      'Say this socket is away (its page hidden, its user idle) or back. While every socket of a user is away, new ' +
      'messages are pushed to their Web Push subscriptions as if they were offline; presence is not affected. A new ' +
      'socket starts as not away.',
    payload: 'PresenceAwayDto',
  },
};

/** What each socket carries from its handshake. */
export interface SocketData {
  userId: number;
  sessionId: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** Said by the client (presence.away): its page is hidden or its user idle, so it does not hold back pushes. */
  away?: boolean;
}

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
