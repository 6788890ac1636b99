import { Body, Controller, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator.js';
import type { AuthUser } from '../common/caller/auth-user.js';
import { AuthService } from './auth.service.js';
import { CurrentUser } from '../common/caller/current-user.decorator.js';
import { ChangePasswordDto } from './dto/change-password.dto.js';
import { LoginDto } from './dto/login.dto.js';
import { LogoutQueryDto } from './dto/logout-query.dto.js';
import { SessionDto } from './dto/session.dto.js';
import { SignupDto } from './dto/signup.dto.js';
import { Public } from '../common/caller/public.decorator.js';
import { RateLimited } from '../rate-limits/rate-limit.decorator.js';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(private readonly authService: AuthService) {}

  /**
   * Create an account; the new user is logged in at once.
   * @remarks Usernames and emails are unique regardless of case: a taken one is a 409. Rate-limited per client IP
   * and per username. Needs no token.
   */
  @Public()
  @RateLimited('auth')
  @Post('signup')
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.CONFLICT)
  signup(@Body() dto: SignupDto): Promise<SessionDto> {
    return this.authService.signup(dto);
  }

  /**
   * Open a new session. Each login gets its own token; other sessions stay open.
   * @remarks The username is matched regardless of case. A wrong username and a wrong password get the same 401.
   * Rate-limited per client IP and per username. Needs no token.
   */
  @Public()
  @RateLimited('auth')
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiErrors(
    HttpStatus.BAD_REQUEST,
    { status: HttpStatus.UNAUTHORIZED, description: 'Wrong username or password' },
    {
      status: HttpStatus.FORBIDDEN,
      description: 'The password is right, but a moderator suspended the account',
      example: { statusCode: 403, error: 'Forbidden', message: 'This account is suspended' },
    },
  )
  login(@Body() dto: LoginDto): Promise<SessionDto> {
    return this.authService.login(dto);
  }

  /**
   * End this session (or, with `all=true`, every session of this user); the tokens stop working at once.
   * @remarks The ended sessions' live sockets receive `session.revoked` and are disconnected.
   */
  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Logged out' })
  @ApiErrors(HttpStatus.BAD_REQUEST)
  logout(@CurrentUser() user: AuthUser, @Query() query: LogoutQueryDto): Promise<void> {
    return query.all ? this.authService.logoutEverywhere(user.id) : this.authService.logout(user.sessionId);
  }

  /**
   * Change your password; every other session of yours ends, this one stays open.
   * @remarks A wrong current password is a 403, not a 401: the token is fine. Rate-limited like login.
   */
  @Post('password')
  @HttpCode(HttpStatus.NO_CONTENT)
  @RateLimited('auth')
  @ApiNoContentResponse({ description: 'Password changed' })
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.FORBIDDEN)
  changePassword(@CurrentUser() user: AuthUser, @Body() dto: ChangePasswordDto): Promise<void> {
    return this.authService.changePassword(user, dto);
  }
}
