/*
 * The socket side of Parley: authenticates each connection (handshake.ts),
 * puts it in its rooms (rooms.ts), ends it at its session's expiry or when a
 * periodic re-check finds its session gone, and answers the client events
 * `typing` and `presence.watch` with an acknowledgement. Domain events become
 * socket events in realtime.relay.ts.
 */
import {
  HttpException,
  HttpStatus,
  Inject,
  Logger,
  NotFoundException,
  BadRequestException,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { AuthService } from '../auth/auth.service.js';
import { BlocksService } from '../blocks/blocks.service.js';
import { toErrorResponse } from '../common/all-exceptions.filter.js';
import { createValidationPipe } from '../common/validation.js';
import type { Environment } from '../config/environment.js';
import { PreparedStatements } from '../database/prepared-statements.js';
import { createLimiter } from '../rate-limits/limiter.js';
import { type OptionalRedis, REDIS_CLIENT } from '../redis/redis.module.js';
import { UsersService } from '../users/users.service.js';
import { PresenceAwayDto, PresenceWatchDto, TypingDto } from './dto/realtime-events.dto.js';
import {
  type Ack,
  CLIENT_EVENTS,
  type ClientToServerEvents,
  type RealtimeServer,
  type RealtimeSocket,
  SERVER_EVENTS,
} from './events.js';
import { handshakeMiddleware } from './handshake.js';
import { Presence } from './presence.js';
import { LIVE_SESSIONS } from './realtime.queries.js';
import { isPresenceRoom, presenceRoom, sessionRoom, userRoom } from './rooms.js';

/** setTimeout's ceiling (~24.8 days); a later expiry is reached in several waits. */
const MAX_TIMER_MS = 2 ** 31 - 1;

@WebSocketGateway()
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnApplicationShutdown {
  @WebSocketServer() server!: RealtimeServer;

  private readonly logger = new Logger(RealtimeGateway.name);
  private readonly validation = createValidationPipe();
  private readonly expiryTimers = new Map<string, NodeJS.Timeout>();
  private readonly typingLimiter: RateLimiterAbstract;
  private readonly watchLimiter: RateLimiterAbstract;
  private recheck?: NodeJS.Timeout;

  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly blocks: BlocksService,
    private readonly statements: PreparedStatements,
    private readonly presence: Presence,
    private readonly config: ConfigService<Environment, true>,
    @Inject(REDIS_CLIENT) redis: OptionalRedis,
  ) {
    const window = config.get('RATE_LIMIT_WINDOW_SECONDS', { infer: true });
    this.typingLimiter = createLimiter(
      'typing',
      config.get('RATE_LIMIT_TYPING_PER_USER', { infer: true }),
      window,
      redis,
    );
    this.watchLimiter = createLimiter(
      'presence-watch',
      config.get('RATE_LIMIT_PRESENCE_WATCH_PER_USER', { infer: true }),
      window,
      redis,
    );
  }

  afterInit(server: RealtimeServer): void {
    server.use(
      handshakeMiddleware({
        auth: this.auth,
        statements: this.statements,
        localSockets: (userId) => server.sockets.adapter.rooms.get(userRoom(userId))?.size ?? 0,
        maxSocketsPerUser: this.config.get('REALTIME_MAX_SOCKETS_PER_USER', { infer: true }),
      }),
    );
    this.presence.attach(server);
    const every = this.config.get('REALTIME_SESSION_RECHECK_SECONDS', { infer: true }) * 1000;
    this.recheck = setInterval(() => void this.recheckSessions(), every).unref();
  }

  async handleConnection(socket: RealtimeSocket): Promise<void> {
    // Raw listeners, not @SubscribeMessage: the app's global HTTP guards, pipes and filters would run on those.
    // Anything may arrive here, whatever the types say; only a function is called back.
    const listen = (event: string, handle: (body: unknown) => Promise<Ack>) =>
      socket.on(event as keyof ClientToServerEvents, (body: unknown, ack: unknown) => {
        void handle(body).then((answer) => typeof ack === 'function' && (ack as (answer: Ack) => void)(answer));
      });
    listen(CLIENT_EVENTS.TYPING, (body) => this.typing(socket, body));
    listen(CLIENT_EVENTS.PRESENCE_WATCH, (body) => this.watchPresence(socket, body));
    listen(CLIENT_EVENTS.PRESENCE_AWAY, (body) => this.setAway(socket, body));
    const { userId, sessionId } = socket.data;
    await socket.join([userRoom(userId), sessionRoom(sessionId)]);
    this.scheduleExpiry(socket);
    this.presence.connected(userId);
  }

  handleDisconnect(socket: RealtimeSocket): void {
    clearTimeout(this.expiryTimers.get(socket.id));
    this.expiryTimers.delete(socket.id);
    // A socket refused at the handshake never had data.
    if (socket.data?.userId) this.presence.disconnected(socket.data.userId);
  }

  async typing(socket: RealtimeSocket, body: unknown): Promise<Ack> {
    return this.answer(async () => {
      const { user_id: peerId, typing } = await this.validate(TypingDto, body);
      const { userId } = socket.data;
      if (peerId === userId) throw new BadRequestException('You cannot type to yourself');
      await this.consume(this.typingLimiter, userId);
      await this.users.assertExists(peerId);
      // Acknowledged as if delivered: the typist must not learn of the block from the answer.
      if (await this.blocks.blockedBetween(userId, peerId)) return;
      this.server.to(userRoom(peerId)).emit(SERVER_EVENTS.TYPING, { user_id: userId, typing });
    });
  }

  async watchPresence(socket: RealtimeSocket, body: unknown): Promise<Ack> {
    return this.answer(async () => {
      const { user_ids } = await this.validate(PresenceWatchDto, body);
      await this.consume(this.watchLimiter, socket.data.userId);
      const ids = [...new Set(user_ids)];
      const states = await this.presence.current(ids);
      const unknown = ids.find((id) => !states.has(id));
      if (unknown !== undefined) throw new NotFoundException(`No user has id ${unknown}`);
      for (const room of socket.rooms) if (isPresenceRoom(room)) await socket.leave(room);
      await socket.join(ids.map(presenceRoom));
      // Read after joining: a block committed after this read makes the relay take the socket out of the room.
      const blockers = await this.blocks.blockersAmong(socket.data.userId, ids);
      for (const blocker of blockers) {
        await socket.leave(presenceRoom(blocker));
        states.set(blocker, { user_id: blocker, online: false, last_seen_at: null });
      }
      for (const state of states.values()) socket.emit(SERVER_EVENTS.PRESENCE, state);
    });
  }

  /** No limiter: it only sets a flag on this socket, read when a push is decided. */
  async setAway(socket: RealtimeSocket, body: unknown): Promise<Ack> {
    return this.answer(async () => {
      const { away } = await this.validate(PresenceAwayDto, body);
      socket.data.away = away;
    });
  }

  onApplicationShutdown(): void {
    clearInterval(this.recheck);
    for (const timer of this.expiryTimers.values()) clearTimeout(timer);
    this.presence.stop();
  }

  /** Runs a client event's work; any failure becomes the API's error shape, and never reaches the socket's life. */
  private async answer(work: () => Promise<void>): Promise<Ack> {
    try {
      await work();
      return { ok: true };
    } catch (error) {
      return toErrorResponse(error, this.logger);
    }
  }

  /** The HTTP bodies' validation (class-validator DTO, whitelist, depth and Unicode checks). */
  private async validate<T>(metatype: new () => T, body: unknown): Promise<T> {
    return (await this.validation.transform(body, { type: 'body', metatype, data: '' })) as T;
  }

  private async consume(limiter: RateLimiterAbstract, userId: number): Promise<void> {
    try {
      await limiter.consume(String(userId));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const seconds = Math.ceil(rejection.msBeforeNext / 1000);
      throw new HttpException(`Too many events; retry after ${seconds} seconds`, HttpStatus.TOO_MANY_REQUESTS);
    }
  }

  private scheduleExpiry(socket: RealtimeSocket): void {
    const wait = Math.min(Math.max(socket.data.expiresAt - Date.now(), 0), MAX_TIMER_MS);
    const timer = setTimeout(() => {
      if (Date.now() < socket.data.expiresAt) return this.scheduleExpiry(socket);
      socket.emit(SERVER_EVENTS.SESSION_EXPIRED, {});
      socket.disconnect(true);
    }, wait);
    this.expiryTimers.set(socket.id, timer);
  }

  /** Belt and braces: a revocation whose bus message was lost (a Redis blip, a crash) still ends its sockets. */
  private async recheckSessions(): Promise<void> {
    const sockets = [...this.server.sockets.sockets.values()];
    if (sockets.length === 0) return;
    try {
      const ids = [...new Set(sockets.map((socket) => socket.data.sessionId))];
      const rows = await this.statements.rows(LIVE_SESSIONS, [ids]);
      const live = new Set(rows.map((row) => row.id));
      for (const socket of sockets) if (!live.has(socket.data.sessionId)) socket.disconnect(true);
    } catch (error) {
      this.logger.warn(`Session re-check skipped: ${String(error)}`);
    }
  }
}
