import { ApiProperty } from '@nestjs/swagger';
import { ApiInt32, ApiInt64 } from '../../common/api-integer.decorator.js';
import { AttachmentDto } from '../../attachments/dto/attachment.dto.js';

/** One emoji on a message and who reacted with it. */
export class ReactionDto {
  /** One emoji (an extended grapheme cluster). @example 👍 */
  emoji!: string;

  /** The users who reacted with it, in the order they did. @example [2] */
  @ApiInt32({ isArray: true })
  user_ids!: number[];
}

/** The message a reply quotes, as it is now. */
export class ReplyToDto {
  /** @example 1 */
  @ApiInt64()
  id!: number;

  /** @example 1 */
  @ApiInt32()
  sender_id!: number;

  /** Its first 140 characters as they are now; empty when it was deleted. @example Hello, user_2 */
  preview!: string;

  /** Whether it was deleted for everyone. */
  deleted!: boolean;
}

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

  /** The text; the empty string once the message was deleted for everyone. @example Hello, user_2 */
  message!: string;

  /** When the server stored the message. */
  @ApiProperty({ type: String, format: 'date-time' })
  created!: string;

  /** Whether the recipient has marked it read. */
  read!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  read_at!: string | null;

  /** When the sender last edited the text; null if never. */
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  edited_at!: string | null;

  /** When the sender deleted it for everyone (a tombstone: no text, no reactions); null if not deleted. */
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deleted_at!: string | null;

  /** Reactions in the order each emoji was first used; empty when none. */
  reactions!: ReactionDto[];

  /** The message this one replies to; null when it is not a reply. */
  @ApiProperty({ type: ReplyToDto, nullable: true })
  reply_to!: ReplyToDto | null;

  /** Its files in the order they were sent; empty when none, and once the message was deleted. */
  @ApiProperty({ type: [AttachmentDto] })
  attachments!: AttachmentDto[];
}
