import { ApiProperty } from '@nestjs/swagger';
import { ApiInt32, ApiInt64 } from '../../common/api-integer.decorator.js';

export class MessageDto {
  /** @example 1 */
  @ApiInt64()
  id!: number;

  /** @example 1 */
  @ApiInt32()
  sender_id!: number;

  /** @example 2 */
  @ApiInt32()
  recipient_id!: number;

  /** @example Hello, user_2 */
  message!: string;

  /** When the server stored the message. */
  @ApiProperty({ type: String, format: 'date-time' })
  created!: string;

  /** Whether the recipient has marked it read. */
  read!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  read_at!: string | null;
}
