import { Body, Controller, Delete, Get, Header, HttpCode, HttpStatus, StreamableFile } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator.js';
import type { AuthUser } from '../common/caller/auth-user.js';
import { CurrentUser } from '../common/caller/current-user.decorator.js';
import { responseHeaders } from '../common/response-headers.js';
import { RateLimited } from '../rate-limits/rate-limit.decorator.js';
import { AccountsService } from './accounts.service.js';
import { AccountExportDto } from './dto/account-export.dto.js';
import { DeleteAccountDto } from './dto/delete-account.dto.js';

@ApiTags('users')
@Controller()
export class AccountsController {
  constructor(private readonly accountsService: AccountsService) {}

  /**
   * Delete your account for good, after confirming your password; every session ends.
   * @remarks Erased: your username, email, password, sessions, blocks and chat list; every message you sent becomes
   * a tombstone (as a delete for everyone) and your reactions go. Kept: the messages you received (they are also
   * the sender's), and reports that name you or that you filed. Your username and email are free to sign up with
   * again. Your live sockets receive `session.revoked` with reason `account_deleted`; peers see the chat as
   * `deleted`. See docs/security.md.
   */
  @Delete('current_user')
  @HttpCode(HttpStatus.NO_CONTENT)
  @RateLimited('auth')
  @ApiNoContentResponse({ description: 'The account is deleted' })
  @ApiErrors(HttpStatus.BAD_REQUEST, { status: HttpStatus.FORBIDDEN, description: 'The password is wrong' })
  deleteAccount(@CurrentUser() caller: AuthUser, @Body() dto: DeleteAccountDto): Promise<void> {
    return this.accountsService.deleteAccount(caller, dto.password);
  }

  /**
   * Download everything the service holds about you, as one JSON document.
   * @remarks Your profile, sessions (never their tokens), blocks, the reports you filed, and every message you sent
   * or received in id order, as of one moment. Streamed as it is read, so a large account starts at once and takes a
   * while to finish. Rate-limited per user over its own window (RATE_LIMIT_EXPORT_PER_USER per
   * RATE_LIMIT_EXPORT_WINDOW_SECONDS, default 2 an hour).
   */
  @Get('current_user/export')
  @RateLimited('export')
  @Header('Cache-Control', 'no-store')
  @ApiProduces('application/json')
  @ApiOkResponse({ type: AccountExportDto, headers: responseHeaders('Content-Disposition') })
  async exportAccount(@CurrentUser() caller: AuthUser): Promise<StreamableFile> {
    const stream = await this.accountsService.exportAccount(caller.id);
    return new StreamableFile(stream, {
      type: 'application/json',
      disposition: `attachment; filename="parley-export-${caller.id}.json"`,
    });
  }
}
