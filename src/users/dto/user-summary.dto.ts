import { ApiProperty } from '@nestjs/swagger';
import { ApiInt32 } from '../../common/api-integer.decorator.js';

export class UserSummaryDto {
  /**
   * Pass it as `user_id` to send a message or open the chat.
   * @example 2
   */
  @ApiInt32()
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
