/*
 * Domain events (published by features after their write committed) become
 * socket events. Every emit goes through the adapter, so it reaches the
 * room's sockets on every worker and instance.
 */
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { SessionRevoked, UserSessionsRevoked } from '../auth/session.events.js';
import type { UserBlocked } from '../blocks/block.events.js';
import type { ChatRead } from '../chats/chat.events.js';
import { EventBus } from '../events/event-bus.js';
import type { BroadcastSent, MessageDeleted, MessageSent, MessageUpdated } from '../messages/message.events.js';
import { SERVER_EVENTS } from './events.js';
import { RealtimeGateway } from './realtime.gateway.js';
import { presenceRoom, sessionRoom, userRoom } from './rooms.js';

const PREVIEW_LENGTH = 140;

@Injectable()
export class RealtimeRelay implements OnModuleInit {
  constructor(
    private readonly bus: EventBus,
    private readonly gateway: RealtimeGateway,
  ) {}

  onModuleInit(): void {
    // Every socket joins a room named by its id, so except() skips the one that made the request on any
    // instance. A client knows only its own sockets' ids (no event carries one), so it can skip only its own.
    this.bus.on('message.sent', ({ message, originSocketId }: MessageSent) => {
      this.toBoth(message.sender_id, message.recipient_id, originSocketId).emit(SERVER_EVENTS.MESSAGE_NEW, message);
    });
    this.bus.on('message.updated', ({ message, originSocketId }: MessageUpdated) => {
      this.toBoth(message.sender_id, message.recipient_id, originSocketId).emit(SERVER_EVENTS.MESSAGE_UPDATED, message);
    });
    this.bus.on('message.deleted', ({ id, senderId, recipientId, deletedAt, originSocketId }: MessageDeleted) => {
      this.toBoth(senderId, recipientId, originSocketId).emit(SERVER_EVENTS.MESSAGE_DELETED, {
        id,
        sender_id: senderId,
        recipient_id: recipientId,
        deleted_at: deletedAt,
      });
    });
    this.bus.on('chat.read', ({ readerId, senderId, upToId, readAt, originSocketId }: ChatRead) => {
      this.toBoth(senderId, readerId, originSocketId).emit(SERVER_EVENTS.MESSAGE_READ, {
        reader_id: readerId,
        sender_id: senderId,
        up_to_id: upToId,
        read_at: readAt,
      });
    });
    // One emit to everyone but the sender, however many recipients: never one per user.
    this.bus.on('broadcast.sent', ({ senderId, text, created, skippedUserIds }: BroadcastSent) => {
      this.server.except([senderId, ...skippedUserIds].map(userRoom)).emit(SERVER_EVENTS.BROADCAST_NEW, {
        sender_id: senderId,
        preview: [...text].slice(0, PREVIEW_LENGTH).join(''),
        created,
      });
    });
    // To the blocked user, the blocker is offline from now on: their sockets, on every instance, stop watching.
    this.bus.on('user.blocked', ({ blockerId, blockedId }: UserBlocked) => {
      this.server.in(userRoom(blockedId)).socketsLeave(presenceRoom(blockerId));
    });
    this.bus.on('session.revoked', ({ sessionId, reason }: SessionRevoked) => {
      const room = sessionRoom(sessionId);
      this.server.to(room).emit(SERVER_EVENTS.SESSION_REVOKED, { reason });
      this.server.in(room).disconnectSockets(true);
    });
    this.bus.on('user.sessions.revoked', ({ userId, exceptSessionId, reason }: UserSessionsRevoked) => {
      const kept = exceptSessionId ? [sessionRoom(exceptSessionId)] : [];
      this.server.to(userRoom(userId)).except(kept).emit(SERVER_EVENTS.SESSION_REVOKED, { reason });
      this.server.in(userRoom(userId)).except(kept).disconnectSockets(true);
    });
  }

  /** Every socket of both users of a conversation, but the one that made the request. */
  private toBoth(userA: number, userB: number, originSocketId: string | undefined) {
    return this.server.to([userRoom(userA), userRoom(userB)]).except(originSocketId ?? []);
  }

  private get server() {
    return this.gateway.server;
  }
}
