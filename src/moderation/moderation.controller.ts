import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator.js';
import type { AuthUser } from '../common/caller/auth-user.js';
import { CurrentUser } from '../common/caller/current-user.decorator.js';
import { Moderators } from '../common/caller/moderators.decorator.js';
import { ListReportsQueryDto } from './dto/list-reports-query.dto.js';
import { ReportDto, ReportPageDto } from './dto/report.dto.js';
import { ModeratedUserParamDto, ReportIdParamDto } from './dto/report-id-param.dto.js';
import { ResolveReportDto } from './dto/resolve-report.dto.js';
import { ModerationService } from './moderation.service.js';

/* Every route here is for moderators only; each action is written to the audit trail (moderation_actions). */
@ApiTags('moderation')
@Moderators()
@Controller('moderation')
export class ModerationController {
  constructor(private readonly moderationService: ModerationService) {}

  /**
   * The moderation queue: reports of one status, oldest first.
   * @remarks Each report shows the reported account as it is now beside the username and message text as they were
   * when it was reported. Keyset-paginated like GET /users. Moderators only.
   */
  @Get('reports')
  @ApiErrors(HttpStatus.BAD_REQUEST)
  listReports(@Query() query: ListReportsQueryDto): Promise<ReportPageDto> {
    return this.moderationService.listReports(query);
  }

  /**
   * Decide an open report: dismiss it, delete the reported message, or suspend the reported account.
   * @remarks `delete_message` deletes the message for everyone exactly as its sender could (a tombstone; both users'
   * live sockets receive `message.deleted`), whoever sent it and however long ago. `suspend_user` refuses the
   * account's logins (403) and ends every session of it at once: its live sockets receive `session.revoked` with
   * reason `suspended` and are disconnected. Its messages stay. The action, the resolution and the audit row commit
   * together. Moderators only.
   */
  @Post('reports/:id/resolve')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ description: 'The report as resolved', type: ReportDto })
  @ApiErrors(
    {
      status: HttpStatus.BAD_REQUEST,
      description: 'A field is invalid, `delete_message` on a report that names no message, or your own suspension',
      example: { statusCode: 400, error: 'Bad Request', message: 'You cannot suspend yourself' },
    },
    {
      status: HttpStatus.NOT_FOUND,
      description: 'No report has that id',
      example: { statusCode: 404, error: 'Not Found', message: 'No report has id 7' },
    },
    {
      status: HttpStatus.CONFLICT,
      description: 'The report is already resolved',
      example: { statusCode: 409, error: 'Conflict', message: 'This report is already resolved' },
    },
  )
  resolveReport(
    @CurrentUser() caller: AuthUser,
    @Param() params: ReportIdParamDto,
    @Body() dto: ResolveReportDto,
  ): Promise<ReportDto> {
    return this.moderationService.resolve(caller.id, params.id, dto);
  }

  /**
   * Lift a user's suspension: they can log in again.
   * @remarks The sessions the suspension ended stay ended. A 204 also for an account that was not suspended; either
   * way the action is audited. Moderators only.
   */
  @Post('users/:id/unsuspend')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'The account is not suspended' })
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND)
  unsuspendUser(@CurrentUser() caller: AuthUser, @Param() params: ModeratedUserParamDto): Promise<void> {
    return this.moderationService.unsuspend(caller.id, params.id);
  }
}
