/* The document GET /current_user/export streams: documented here, written by PostgreSQL (account.queries.ts). */
import { ApiProperty } from '@nestjs/swagger';
import { ApiInt32, ApiInt64 } from '../../common/api-integer.decorator.js';
import { UploadDto } from '../../attachments/dto/attachment.dto.js';
import { ReactionDto } from '../../messages/dto/message.dto.js';

export class ExportProfileDto {
  /** @example 1 */
  @ApiInt32()
  id!: number;

  /** @example user_1 */
  username!: string;

  /** @example user_1@example.com */
  email!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  created_at!: string;

  /** When the user last signed up, logged in or made a request (to the minute). */
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_seen_at!: string | null;

  @ApiProperty({ enum: ['user', 'moderator'] })
  role!: 'user' | 'moderator';
}

/** A live session: when it began and ends. Never its token. */
export class ExportSessionDto {
  @ApiProperty({ type: String, format: 'date-time' })
  created_at!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  expires_at!: string;
}

/** A user you blocked. */
export class ExportBlockDto {
  /** @example 2 */
  @ApiInt32()
  user_id!: number;

  /** Null when that account was deleted since. */
  @ApiProperty({ type: String, nullable: true })
  username!: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  created_at!: string;
}

/** A report you filed. */
export class ExportReportDto {
  /** @example 1 */
  @ApiInt64()
  id!: number;

  /** The reported user. @example 2 */
  @ApiInt32()
  user_id!: number;

  /** The reported message, if a message was reported. */
  @ApiInt64({ nullable: true })
  message_id!: number | null;

  /** @example spam */
  reason!: string;

  @ApiProperty({ type: String, nullable: true })
  details!: string | null;

  /** @example open */
  status!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  created!: string;
}

/** A message you sent or received, as stored. */
export class ExportMessageDto {
  /** @example 1 */
  @ApiInt64()
  id!: number;

  /** @example 1 */
  @ApiInt32()
  sender_id!: number;

  /** @example 2 */
  @ApiInt32()
  recipient_id!: number;

  /** The text; empty for a message deleted for everyone. */
  message!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  created!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  read_at!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  edited_at!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deleted_at!: string | null;

  /** The message this one replies to. */
  @ApiInt64({ nullable: true })
  reply_to_id!: number | null;

  reactions!: ReactionDto[];

  /** Its files as stored (no URLs: each is GET /attachments/{id} while the account exists); empty when none. */
  attachments!: ExportAttachmentDto[];
}

/** A file of an exported message, as stored (no URL: each is GET /attachments/{id} while the account exists). */
export class ExportAttachmentDto extends UploadDto {}

export class AccountExportDto {
  @ApiProperty({ type: String, format: 'date-time' })
  exported_at!: string;

  profile!: ExportProfileDto;

  /** Your sessions, oldest first: when each began and when it expires. */
  sessions!: ExportSessionDto[];

  /** The users you blocked, oldest block first. */
  blocks!: ExportBlockDto[];

  /** The reports you filed, oldest first. */
  reports!: ExportReportDto[];

  /** Every message you sent or received, in id (sending) order. */
  messages!: ExportMessageDto[];
}
