import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsNoteText } from './note-text.decorator.js';

export const RESOLUTIONS = ['dismiss', 'delete_message', 'suspend_user'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export class ResolveReportDto {
  /**
   * `dismiss`: nothing to do. `delete_message`: the reported message is deleted for everyone, as its sender could,
   * whenever it was sent. `suspend_user`: the reported account can no longer log in, and its sessions end now.
   */
  @ApiProperty({ enum: RESOLUTIONS, example: 'dismiss' })
  @IsIn(RESOLUTIONS)
  action!: Resolution;

  /**
   * Why, for the other moderators and the audit trail: at most 1000 characters.
   * @example Banter between friends; both confirmed.
   */
  @ApiPropertyOptional()
  @IsOptional()
  @IsNoteText()
  note?: string;
}
