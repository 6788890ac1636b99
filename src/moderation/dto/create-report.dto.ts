import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ApiInt32, ApiInt64 } from '../../common/api-integer.decorator.js';
import { MAX_USER_ID } from '../../users/dto/user-id-param.dto.js';
import { IsNoteText } from './note-text.decorator.js';

export const REPORT_REASONS = ['spam', 'harassment', 'hate', 'sexual', 'violence', 'self_harm', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

export class CreateReportDto {
  /**
   * The user you report.
   * @example 2
   */
  @ApiInt32()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_USER_ID)
  user_id!: number;

  /**
   * One message of your conversation with `user_id` that shows the problem (either of you may have sent it).
   * Its text as it is now is kept with the report, whatever happens to the message later.
   * @example 1
   */
  @ApiInt64({ required: false })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  message_id?: number;

  /** What is wrong. */
  @ApiProperty({ enum: REPORT_REASONS, example: 'harassment' })
  @IsIn(REPORT_REASONS)
  reason!: ReportReason;

  /**
   * Anything the moderators should know, in your words: at most 1000 characters.
   * @example Keeps writing after I asked them to stop.
   */
  @ApiPropertyOptional()
  @IsOptional()
  @IsNoteText()
  details?: string;
}
