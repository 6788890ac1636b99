import { Body, Controller, HttpStatus, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator.js';
import type { AuthUser } from '../common/caller/auth-user.js';
import { CurrentUser } from '../common/caller/current-user.decorator.js';
import { RateLimited } from '../rate-limits/rate-limit.decorator.js';
import { CreateReportDto } from './dto/create-report.dto.js';
import { ReportReceiptDto } from './dto/report.dto.js';
import { ModerationService } from './moderation.service.js';

@ApiTags('reports')
@Controller()
export class ReportsController {
  constructor(private readonly moderationService: ModerationService) {}

  /**
   * Report a user to the moderators, optionally with one message of your conversation with them.
   * @remarks The report keeps the user's username and the message's text as they are now, so an edit or a delete
   * afterwards hides nothing from the moderators. The reported user is not told, and nothing is blocked: block them
   * as well if you no longer want their messages. Rate-limited per user.
   */
  @Post('reports')
  @RateLimited('report')
  @ApiCreatedResponse({ description: 'The report is in the moderators’ queue', type: ReportReceiptDto })
  @ApiErrors(
    {
      status: HttpStatus.BAD_REQUEST,
      description: 'A field is invalid, or you reported yourself',
      example: { statusCode: 400, error: 'Bad Request', message: 'You cannot report yourself' },
    },
    {
      status: HttpStatus.NOT_FOUND,
      description:
        'No user has that id, or `message_id` is not a message of your conversation with them (the same answer ' +
        'whether or not it exists)',
      example: { statusCode: 404, error: 'Not Found', message: 'No message has id 7' },
    },
  )
  createReport(@CurrentUser() caller: AuthUser, @Body() dto: CreateReportDto): Promise<ReportReceiptDto> {
    return this.moderationService.report(caller.id, dto);
  }
}
