/*
 * Moderator-only routes. The role is read from the caller the token guard set, which AUTHENTICATE reads on every
 * request: a role granted or revoked by the CLI (src/cli.ts) holds from the caller's next request, with no new login.
 * Controller guards run after the global ones, so an anonymous caller still gets 401, never this 403.
 */
import {
  applyDecorators,
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  HttpStatus,
  Injectable,
  UseGuards,
} from '@nestjs/common';
import { ApiErrors } from '../api-errors.decorator.js';
import type { AuthenticatedRequest } from './current-user.decorator.js';

@Injectable()
class ModeratorGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.switchToHttp().getRequest<AuthenticatedRequest>().user?.role !== 'moderator') {
      throw new ForbiddenException('Only moderators can do this');
    }
    return true;
  }
}

/** On a controller or route: moderators only (403 for anyone else), and the 403 documented. */
export const Moderators = () =>
  applyDecorators(
    UseGuards(ModeratorGuard),
    ApiErrors({
      status: HttpStatus.FORBIDDEN,
      description: 'You are not a moderator',
      example: { statusCode: 403, error: 'Forbidden', message: 'Only moderators can do this' },
    }),
  );
