/*
 * The Socket.IO server: WebSocket transport only (long-polling would need
 * sticky sessions across workers and instances), small frames, the Origin
 * check, and the bus between processes, chosen at boot:
 *   REDIS_URL set          → Redis streams (survives a Redis blip; Pub/Sub would drop packets)
 *   WEB_CONCURRENCY > 1    → node:cluster IPC through the primary, routed by room (worker-rooms.ts)
 *   otherwise              → Socket.IO's in-memory adapter
 */
import { HttpStatus, type INestApplicationContext } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter as createRedisStreamsAdapter } from '@socket.io/redis-streams-adapter';
import type { IncomingMessage, ServerResponse } from 'node:http';
import cluster from 'node:cluster';
import type { Server, ServerOptions } from 'socket.io';
import { Redis, type RedisOptions } from 'ioredis';
import { errorShape } from '../common/all-exceptions.filter.js';
import { allowedOrigins, type Environment } from '../config/environment.js';
import { type OptionalRedis, REDIS_CLIENT } from '../redis/redis.module.js';
import { RoomReportingAdapter } from './worker-rooms.js';

/** Client frames are small JSON objects (a 200-id watch list is ~2 KiB). */
const MAX_FRAME_BYTES = 16 * 1024;

/**
 * Browsers send Origin, and WebSocket is not subject to CORS: a page on any
 * site could open a socket with the user's token. Same rule as HTTP: only the
 * CORS_ORIGINS (or the API's own origin); clients that send no Origin (apps,
 * servers) are not browsers and pass.
 */
export function originAllowed(request: IncomingMessage, allowedOrigins: string[]): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (allowedOrigins.includes(origin)) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

export const POLLING_REFUSED =
  'Parley sockets are WebSocket-only, and this client tried long-polling (Socket.IO’s default first step): ' +
  "connect with io(url, { transports: ['websocket'] })";

/**
 * A plain `io(url)` opens with an HTTP long-polling handshake, which engine.io would refuse with a bare
 * "Transport unknown": the client reports `xhr poll error` and nothing more. This engine.io middleware, run
 * before that check, answers the handshake as the protocol expects instead: an engine.io `open` (offering no
 * upgrade) followed by a Socket.IO CONNECT_ERROR, so the client's `connect_error` carries the fix in
 * `error.message`, and the API's error shape in `error.data`, as every other refused handshake does. The
 * client then closes without retrying; any later polling request gets the same error as plain JSON.
 */
export function refusePolling(origins: string[]) {
  const refusal = errorShape(HttpStatus.BAD_REQUEST, POLLING_REFUSED);
  // Engine.IO v4 payload: packets joined by U+001E; `0` open, `4` message carrying Socket.IO's `4` CONNECT_ERROR.
  const open = { sid: 'polling-refused', upgrades: [], pingInterval: 25000, pingTimeout: 20000, maxPayload: 1 };
  const handshakeAnswer = `0${JSON.stringify(open)}\u001e44${JSON.stringify({ message: POLLING_REFUSED, data: refusal })}`;
  return (request: IncomingMessage, response: ServerResponse, next: (error?: Error) => void): void => {
    const query = new URL(request.url ?? '/', 'http://parley').searchParams;
    // A WebSocket upgrade has no ServerResponse to write to (engine.io passes a stand-in): only plain HTTP here.
    if (query.get('transport') !== 'polling' || request.headers.upgrade !== undefined) return next();
    const headers: Record<string, string> = {};
    // So a page on an allowed origin can read the answer (the same origins as the socket's Origin check).
    const origin = request.headers.origin;
    if (origin !== undefined && originAllowed(request, origins)) headers['Access-Control-Allow-Origin'] = origin;
    if (request.method === 'GET' && !query.has('sid')) {
      response.writeHead(HttpStatus.OK, { ...headers, 'Content-Type': 'text/plain; charset=UTF-8' });
      response.end(handshakeAnswer);
      return;
    }
    response.writeHead(HttpStatus.BAD_REQUEST, { ...headers, 'Content-Type': 'application/json' });
    response.end(JSON.stringify(refusal));
  };
}

/**
 * Marks the promise of every call of `method` as handled. Closing a copy while it is still connecting rejects its
 * queued SUBSCRIBE with "Connection is closed."; nobody awaits it, and the rejection would end the process.
 */
function handleRejections(client: Redis, method: 'subscribe' | 'ssubscribe'): void {
  const call = client[method].bind(client) as (...args: unknown[]) => Promise<unknown>;
  const handled = (...args: unknown[]) => {
    const pending = call(...args);
    pending.catch(() => undefined);
    return pending;
  };
  (client as unknown as Record<typeof method, typeof handled>)[method] = handled;
}

/**
 * The client handed to the Redis streams adapter. The adapter publishes on it and duplicates it for its XREAD
 * readers and its SUBSCRIBE connection, and never awaits SUBSCRIBE: with a retry limit, a Redis that is down
 * when the server starts rejects that promise unhandled, which ends the process (seen on Node 24), and a
 * subscription that failed is never made again. So the copies wait for Redis however long it takes (ioredis
 * subscribes again on reconnect), while publishing keeps its limit and fails fast. The copies are kept so that
 * closing ends them too: a reader blocked on a Redis that is down would otherwise reconnect forever.
 */
export class StreamsAdapterClient extends Redis {
  private readonly copies = new Set<Redis>();

  override duplicate(override?: Partial<RedisOptions>): Redis {
    const copy = new Redis({ ...this.options, maxRetriesPerRequest: null, ...override });
    handleRejections(copy, 'subscribe');
    handleRejections(copy, 'ssubscribe');
    this.copies.add(copy);
    return copy;
  }

  closeAll(): void {
    for (const copy of this.copies) copy.disconnect();
    this.disconnect();
  }
}

export class RealtimeIoAdapter extends IoAdapter {
  private readonly config: ConfigService<Environment, true>;
  private readonly redis: OptionalRedis;
  private publisher?: StreamsAdapterClient;

  constructor(app: INestApplicationContext) {
    super(app);
    this.config = app.get<ConfigService<Environment, true>>(ConfigService);
    this.redis = app.get<OptionalRedis>(REDIS_CLIENT);
  }

  override createIOServer(port: number, options?: Partial<ServerOptions>): Server {
    const origins = allowedOrigins(this.config.get('CORS_ORIGINS', { infer: true }));
    const server = super.createIOServer(port, {
      ...options,
      transports: ['websocket'],
      maxHttpBufferSize: MAX_FRAME_BYTES,
      allowRequest: (request, callback) => callback(null, originAllowed(request, origins)),
    } as ServerOptions);
    server.engine.use(refusePolling(origins));
    if (this.redis) {
      // A connection of its own, with the offline queue the shared client lacks: the adapter's reader loops on
      // XREAD, which would otherwise fail at once and spin the event loop for as long as Redis is down.
      this.publisher = new StreamsAdapterClient({
        ...this.redis.options,
        enableOfflineQueue: true,
        maxRetriesPerRequest: 1,
      });
      server.adapter(createRedisStreamsAdapter(this.publisher));
    } else if (cluster.isWorker) server.adapter(RoomReportingAdapter);
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    this.publisher?.closeAll();
  }
}
