import { ApiProperty } from '@nestjs/swagger';
import { ApiInt32, ApiInt64 } from '../../common/api-integer.decorator.js';
import { REPORT_REASONS, type ReportReason } from './create-report.dto.js';
import { REPORT_STATUSES, type ReportStatus } from './list-reports-query.dto.js';
import { RESOLUTIONS, type Resolution } from './resolve-report.dto.js';

/** What POST /reports answers: the report is in the moderators' queue. */
export class ReportReceiptDto {
  /** @example 1 */
  @ApiInt64()
  id!: number;

  /** Always `open` for a new report. */
  @ApiProperty({ enum: REPORT_STATUSES, example: 'open' })
  status!: ReportStatus;

  /** When the report was stored. */
  @ApiProperty({ type: String, format: 'date-time' })
  created!: string;
}

/** The reported account as it is now. */
export class ReportedUserDto {
  /** @example 2 */
  @ApiInt32()
  id!: number;

  /** The current username; empty once the account was deleted. @example user_2 */
  username!: string;

  /** The account was deleted (its username and email are gone). */
  deleted!: boolean;

  /** The account is suspended: it cannot log in. */
  suspended!: boolean;
}

/** How a moderator decided a report. */
export class ResolutionDto {
  @ApiProperty({ enum: RESOLUTIONS })
  action!: Resolution;

  /** The moderator's note; null without one. */
  @ApiProperty({ type: String, nullable: true })
  note!: string | null;

  /** The moderator who decided; null if their account row is gone. @example 3 */
  @ApiInt32({ nullable: true })
  moderator_id!: number | null;

  @ApiProperty({ type: String, format: 'date-time' })
  resolved_at!: string;
}

/** A report as moderators see it: what was reported, the evidence as it was then, and the decision. */
export class ReportDto {
  /** @example 1 */
  @ApiInt64()
  id!: number;

  @ApiProperty({ enum: REPORT_STATUSES })
  status!: ReportStatus;

  @ApiProperty({ enum: REPORT_REASONS })
  reason!: ReportReason;

  /** The reporter's words; null without any. */
  @ApiProperty({ type: String, nullable: true })
  details!: string | null;

  /** When the report was made. */
  @ApiProperty({ type: String, format: 'date-time' })
  created!: string;

  /** Who reported. @example 1 */
  @ApiInt32()
  reporter_id!: number;

  reported_user!: ReportedUserDto;

  /** The reported account's username when the report was made (a snapshot). @example user_2 */
  @ApiProperty({ type: String, nullable: true })
  reported_username!: string | null;

  /** The reported message; null when the report names none. @example 1 */
  @ApiInt64({ nullable: true })
  message_id!: number | null;

  /** The message's text when the report was made (a snapshot: it survives an edit or a delete); null without a message. */
  @ApiProperty({ type: String, nullable: true })
  message_text!: string | null;

  /** The decision; null while the report is open. */
  @ApiProperty({ type: ResolutionDto, nullable: true })
  resolution!: ResolutionDto | null;
}

export class ReportPageDto {
  /** Oldest first (in id order). */
  reports!: ReportDto[];

  /** Pass as `cursor` to get the next page; null on the last page. */
  @ApiProperty({ type: String, nullable: true })
  next_cursor!: string | null;
}
