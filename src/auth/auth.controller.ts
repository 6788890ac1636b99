import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator.js';
import type { AuthUser } from './auth-user.js';
import { AuthService } from './auth.service.js';
import { CurrentUser } from './current-user.decorator.js';
import { LoginDto } from './dto/login.dto.js';
import { SessionDto } from './dto/session.dto.js';
import { SignupDto } from './dto/signup.dto.js';
import { Public } from './public.decorator.js';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(private readonly authService: AuthService) {}

  /** Create an account; the new user is logged in at once. */
  @Public()
  @Post('signup')
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.CONFLICT)
  signup(@Body() dto: SignupDto): Promise<SessionDto> {
    return this.authService.signup(dto);
  }

  /** Open a new session. Each login gets its own token; other sessions stay open. */
  @Public()
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.UNAUTHORIZED)
  login(@Body() dto: LoginDto): Promise<SessionDto> {
    return this.authService.login(dto);
  }

  /** End this session; its token stops working at once. */
  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiBearerAuth()
  @ApiNoContentResponse({ description: 'Logged out' })
  @ApiErrors(HttpStatus.UNAUTHORIZED)
  logout(@CurrentUser() user: AuthUser): Promise<void> {
    return this.authService.logout(user.sessionId);
  }
}
