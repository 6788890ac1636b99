import { ApiProperty } from '@nestjs/swagger';
import { ApiInt32 } from '../../common/api-integer.decorator.js';

export class CurrentUserDto {
  /**
   * The user's id, used as `user_id` elsewhere.
   * @example 1
   */
  @ApiInt32()
  id!: number;

  /**
   * Unique regardless of case.
   * @example user_1
   */
  username!: string;

  /**
   * Only ever shown to its owner.
   * @example user_1@example.com
   */
  email!: string;

  /** When the account was created. */
  @ApiProperty({ type: String, format: 'date-time' })
  created_at!: string;
}
