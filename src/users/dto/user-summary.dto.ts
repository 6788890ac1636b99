import { ApiProperty } from '@nestjs/swagger';

export class UserSummaryDto {
  /**
   * Pass it as `user_id` to send a message or open the chat.
   * @example 2
   */
  id!: number;

  /**
   * Unique regardless of case.
   * @example user_2
   */
  username!: string;

  /** True while the user has at least one live session. */
  active!: boolean;

  /** When the user last signed up, logged in or made a request (to the minute). */
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_seen_at!: string | null;
}

export class UserPageDto {
  /** In id order; never includes the caller. */
  users!: UserSummaryDto[];

  /** Pass as `cursor` to get the next page; null on the last page. */
  @ApiProperty({ type: String, nullable: true })
  next_cursor!: string | null;
}
