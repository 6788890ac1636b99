/*
 * Default-deny: registered as APP_GUARD, so every route needs a live session
 * token unless marked @Public(). The token may come, in order of preference,
 * from `Authorization: Bearer`, a `token` query parameter or a `token` field
 * of the JSON body (the last two for clients of the original service). The
 * guard takes the legacy token out of the query and body, so the DTOs, which
 * do not declare it, validate only the payload; the spec mentions it once, in
 * the bearer scheme's description, and lists no scheme for it on any route, so
 * generated clients never put the token in a URL.
 */
import { type CanActivate, type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { AuthService } from './auth.service.js';
import { bearerChallenge, bearerToken } from '../common/caller/bearer-token.js';
import type { AuthenticatedRequest } from '../common/caller/current-user.decorator.js';
import { IS_PUBLIC_KEY } from '../common/caller/public.decorator.js';

/** Takes `token` out of a JSON body: the body DTOs do not declare it, so validation sees only the payload. */
function takeBodyToken(request: Request): unknown {
  const body: unknown = request.body;
  if (!body || typeof body !== 'object' || Array.isArray(body) || !('token' in body)) return undefined;
  const { token } = body;
  delete (body as { token?: unknown }).token;
  return token;
}

/* Takes `token` out of the query. Express 5 parses `request.query` anew on each read, so the rest is pinned. */
function takeQueryToken(request: Request): unknown {
  const query = request.query;
  if (!('token' in query)) return undefined;
  const { token, ...rest } = query;
  Object.defineProperty(request, 'query', { value: rest, writable: true, configurable: true, enumerable: true });
  return token;
}

function tokenFrom(request: Request): string | undefined {
  const fromBody = takeBodyToken(request);
  const fromQuery = takeQueryToken(request);
  const fromHeader = bearerToken(request.headers.authorization);
  if (fromHeader) return fromHeader;
  if (typeof fromQuery === 'string') return fromQuery;
  return typeof fromBody === 'string' ? fromBody : undefined;
}

@Injectable()
export class TokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authService: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = tokenFrom(request);
    if (!token) throw new UnauthorizedException('A session token is required');

    const user = await this.authService.authenticate(token);
    if (!user) {
      // The exception filter gives every other 401 the bare challenge; this one says why the token failed.
      context.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', bearerChallenge('invalid_token'));
      throw new UnauthorizedException('The session token is unknown, revoked or expired');
    }
    request.user = user;
    return true;
  }
}
