/*
 * Default-deny: registered as APP_GUARD, so every route needs a live session
 * token unless marked @Public(). The token may come, in order of preference,
 * from `Authorization: Bearer`, a `token` query parameter or a `token` field
 * of the JSON body (the last two for clients of the original service).
 */
import { type CanActivate, type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AuthService } from './auth.service.js';
import type { AuthenticatedRequest } from './current-user.decorator.js';
import { IS_PUBLIC_KEY } from './public.decorator.js';

/** Takes `token` out of a JSON body: the body DTOs do not declare it, so validation sees only the payload. */
function takeBodyToken(request: Request): unknown {
  const body: unknown = request.body;
  if (!body || typeof body !== 'object' || Array.isArray(body) || !('token' in body)) return undefined;
  const { token } = body;
  delete (body as { token?: unknown }).token;
  return token;
}

function tokenFrom(request: Request): string | undefined {
  const fromBody = takeBodyToken(request);
  const [scheme, value] = (request.headers.authorization ?? '').split(' ');
  if (scheme?.toLowerCase() === 'bearer' && value) return value;
  const fromQuery = request.query.token;
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
    if (!user) throw new UnauthorizedException('The session token is unknown, revoked or expired');
    request.user = user;
    return true;
  }
}
