import { ApiProperty } from '@nestjs/swagger';
import { UserSummaryDto } from './user-summary.dto.js';

export class UserPageDto {
  /** In id order; never includes the caller. */
  users!: UserSummaryDto[];

  /** Pass as `cursor` to get the next page; null on the last page. */
  @ApiProperty({ type: String, nullable: true })
  next_cursor!: string | null;
}
