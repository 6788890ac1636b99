// Generated from asyncapi.json by scripts/generate-events.mjs (npm run generate): do not edit.
import type { AckOkDto, BroadcastEventDto, ErrorResponseDto, MessageDeletedEventDto, MessageDto, MessageReadEventDto, PresenceAwayDto, PresenceEventDto, PresenceWatchDto, SessionExpiredEventDto, SessionRevokedEventDto, TypingDto, TypingEventDto } from './generated-events/types.gen.js';

export type { AckOkDto, BroadcastEventDto, MessageDeletedEventDto, MessageReadEventDto, PresenceAwayDto, PresenceEventDto, PresenceWatchDto, SessionExpiredEventDto, SessionRevokedEventDto, TypingDto, TypingEventDto } from './generated-events/types.gen.js';

/** What the server emits: `socket.on(name, (payload) => …)`. */
export interface ServerToClientEvents {
  /** Every connected user but the sender and the users a block separates from the sender, as one emit. */
  'broadcast.new': (payload: BroadcastEventDto) => void;
  /** Every socket of both users of the conversation when the sender deleted a message for everyone; the one named in DELETE's X-Socket-Id header is skipped. Show the tombstone: the text is gone. */
  'message.deleted': (payload: MessageDeletedEventDto) => void;
  /** Every socket of the recipient and every other socket of the sender: the one named in the send's X-Socket-Id header is skipped (without one, all of them). The payload is the MessageDto that POST /send returned. */
  'message.new': (payload: MessageDto) => void;
  /** Every socket of the user whose messages were read, and every other socket of the reader: the one named in POST /read's X-Socket-Id header is skipped (without one, all of them). */
  'message.read': (payload: MessageReadEventDto) => void;
  /** Every socket of both users of the conversation when a message was edited or a reaction added or removed; the one named in the request's X-Socket-Id header is skipped. The payload is the MessageDto as it is now: replace your copy by `id`. Never sent for a request that changed nothing. */
  'message.updated': (payload: MessageDto) => void;
  /** Sockets that watch that user (presence.watch); never the sockets of a user that user blocked. */
  'presence': (payload: PresenceEventDto) => void;
  /** The socket whose session reached its expiry; the server then disconnects it. */
  'session.expired': (payload: SessionExpiredEventDto) => void;
  /** The ended session's sockets; the server then disconnects them. Every session ends, on every instance, when a moderator suspends the account (`suspended`) or its owner deletes it (`account_deleted`). */
  'session.revoked': (payload: SessionRevokedEventDto) => void;
  /** The peer's sockets; never across a block. */
  'typing': (payload: TypingEventDto) => void;
}

/** What a client may emit, each answered through its acknowledgement: `socket.emit(name, payload, (answer) => …)`. */
export interface ClientToServerEvents {
  /** Say this socket is away (its page hidden, its user idle) or back. While every socket of a user is away, new messages are pushed to their Web Push subscriptions as if they were offline; presence is not affected. A new socket starts as not away. */
  'presence.away': (payload: PresenceAwayDto, ack: (answer: AckOkDto | ErrorResponseDto) => void) => void;
  /** Follow the presence of up to 200 users (replaces the previous list); rate-limited per user. A user who blocked you is reported offline with no last-seen time. */
  'presence.watch': (payload: PresenceWatchDto, ack: (answer: AckOkDto | ErrorResponseDto) => void) => void;
  /** Tell a peer you are (or stopped) typing; rate-limited per user. Acknowledged but dropped when a block stands between you. */
  'typing': (payload: TypingDto, ack: (answer: AckOkDto | ErrorResponseDto) => void) => void;
}
