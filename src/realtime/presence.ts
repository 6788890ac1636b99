/*
 * Who is online: a user with a socket on any process. Announced to the
 * watchers' room when a process gets the user's first socket; offline only
 * after PRESENCE_GRACE_MS with no socket anywhere, so a reload or a network
 * blip is not announced twice.
 */
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../config/environment.js';
import { PreparedStatements } from '../database/prepared-statements.js';
import type { PresenceEventDto } from './dto/realtime-events.dto.js';
import { type RealtimeServer, SERVER_EVENTS } from './events.js';
import { USERS_LAST_SEEN } from './realtime.queries.js';
import { presenceRoom, userRoom } from './rooms.js';

@Injectable()
export class Presence {
  private readonly logger = new Logger(Presence.name);
  private readonly graceMs: number;
  private readonly goingOffline = new Map<number, NodeJS.Timeout>();
  private server!: RealtimeServer;

  constructor(
    private readonly statements: PreparedStatements,
    config: ConfigService<Environment, true>,
  ) {
    this.graceMs = config.get('PRESENCE_GRACE_MS', { infer: true });
  }

  attach(server: RealtimeServer): void {
    this.server = server;
  }

  connected(userId: number): void {
    const pending = this.goingOffline.get(userId);
    if (pending) {
      // Back within the grace period: the watchers never heard of the absence.
      clearTimeout(pending);
      this.goingOffline.delete(userId);
      return;
    }
    if (this.localSockets(userId) === 1) this.announce({ user_id: userId, online: true, last_seen_at: now() });
  }

  disconnected(userId: number): void {
    if (this.localSockets(userId) > 0 || this.goingOffline.has(userId)) return;
    const timer = setTimeout(() => {
      this.goingOffline.delete(userId);
      void this.server
        .in(userRoom(userId))
        .fetchSockets()
        .then((elsewhere) => {
          if (elsewhere.length === 0) this.announce({ user_id: userId, online: false, last_seen_at: now() });
        })
        .catch((error: unknown) => this.logger.warn(`Presence of user ${userId} not announced: ${String(error)}`));
    }, this.graceMs);
    this.goingOffline.set(userId, timer);
  }

  /** The presence of these users now, by id; an unknown id is absent from the map. */
  async current(userIds: number[]): Promise<Map<number, PresenceEventDto>> {
    if (userIds.length === 0) return new Map();
    const [rows, sockets] = await Promise.all([
      this.statements.rows(USERS_LAST_SEEN, [userIds]),
      this.server.in(userIds.map(userRoom)).fetchSockets(),
    ]);
    const online = new Set(sockets.map((socket) => socket.data.userId));
    return new Map(
      rows.map((row) => [row.id, { user_id: row.id, online: online.has(row.id), last_seen_at: row.last_seen_at }]),
    );
  }

  /**
   * Whether the user has a socket on any process now (the adapter asks the others) that has not said it is away
   * (presence.away), for the offline pushes. False before the gateway has started: nobody can be connected yet.
   */
  async isActive(userId: number): Promise<boolean> {
    if (!this.server) return false;
    return (await this.server.in(userRoom(userId)).fetchSockets()).some((socket) => !socket.data.away);
  }

  stop(): void {
    for (const timer of this.goingOffline.values()) clearTimeout(timer);
    this.goingOffline.clear();
  }

  private localSockets(userId: number): number {
    return this.server.sockets.adapter.rooms.get(userRoom(userId))?.size ?? 0;
  }

  private announce(event: PresenceEventDto): void {
    this.server.to(presenceRoom(event.user_id)).emit(SERVER_EVENTS.PRESENCE, event);
  }
}

const now = () => new Date().toISOString();
