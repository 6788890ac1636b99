/*
 * The live connection: Socket.IO over WebSocket only (Parley has no sticky
 * sessions for long-polling), the token in the handshake, typed by the
 * events generated from asyncapi.json. Reconnects with jittered backoff; after
 * every (re)connect, catch up with `syncChats` (see "Live events" in the README).
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from './events.gen.js';

export type { ClientToServerEvents, ServerToClientEvents } from './events.gen.js';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Opens the live connection to `baseUrl` (the API's own origin) as the user whose session `token` is. */
export function connectLive(
  baseUrl: string,
  token: string,
  options: Partial<ManagerOptions & SocketOptions> = {},
): LiveSocket {
  return io(baseUrl, { transports: ['websocket'], auth: { token }, randomizationFactor: 0.5, ...options });
}
