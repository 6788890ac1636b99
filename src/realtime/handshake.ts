/*
 * Nest guards do not run on a socket's connect: this Socket.IO middleware
 * does the HTTP token guard's work with the same lookup (AuthService.authenticate).
 * A refusal reaches the client as `connect_error` whose `data` is the API's
 * error shape.
 */
import { HttpStatus, Logger } from '@nestjs/common';
import type { ExtendedError } from 'socket.io';
import type { AuthService } from '../auth/auth.service.js';
import { errorShape, toErrorResponse } from '../common/all-exceptions.filter.js';
import { bearerToken } from '../common/caller/bearer-token.js';
import type { ErrorResponseDto } from '../common/error-response.dto.js';
import type { PreparedStatements } from '../database/prepared-statements.js';
import type { RealtimeSocket } from './events.js';
import { SESSION_EXPIRY } from './realtime.queries.js';

type Refusal = ExtendedError & { data: ErrorResponseDto };

function refusal(body: ErrorResponseDto): Refusal {
  return Object.assign(new Error(body.message), { data: body });
}

/** `auth: { token }` (kept out of URLs and access logs), or `Authorization: Bearer` for clients that are not browsers. */
function handshakeToken(socket: RealtimeSocket): string | undefined {
  const fromAuth: unknown = (socket.handshake.auth as Record<string, unknown> | undefined)?.token;
  if (typeof fromAuth === 'string') return fromAuth;
  return bearerToken(socket.handshake.headers.authorization);
}

export interface HandshakeDeps {
  auth: AuthService;
  statements: PreparedStatements;
  /** How many sockets this user already has in this process. */
  localSockets: (userId: number) => number;
  maxSocketsPerUser: number;
}

export function handshakeMiddleware(deps: HandshakeDeps) {
  const logger = new Logger('Handshake');
  return (socket: RealtimeSocket, next: (error?: ExtendedError) => void): void => {
    void (async () => {
      const token = handshakeToken(socket);
      if (!token) return next(refusal(errorShape(HttpStatus.UNAUTHORIZED, 'A session token is required')));
      const user = await deps.auth.authenticate(token);
      const [session] = user ? await deps.statements.rows(SESSION_EXPIRY, [user.sessionId]) : [undefined];
      if (!user || !session) {
        return next(refusal(errorShape(HttpStatus.UNAUTHORIZED, 'The session token is unknown, revoked or expired')));
      }
      if (deps.localSockets(user.id) >= deps.maxSocketsPerUser) {
        return next(refusal(errorShape(HttpStatus.TOO_MANY_REQUESTS, 'Too many open sockets for this user')));
      }
      socket.data = { userId: user.id, sessionId: user.sessionId, expiresAt: session.expires_at };
      next();
    })().catch((error: unknown) => next(refusal(toErrorResponse(error, logger))));
  };
}
