import { ApiProperty } from '@nestjs/swagger';

export class MessageDto {
  /** @example 1 */
  id!: number;

  /** @example 1 */
  sender_id!: number;

  /** @example 2 */
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
