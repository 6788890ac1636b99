import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsInt, IsOptional, IsUUID, Max, Min, ValidateIf } from 'class-validator';
import { IsClientKey } from './client-key.js';
import { MAX_USER_ID } from '../../users/dto/user-id-param.dto.js';
import { IsMessageText } from './message-text.decorator.js';
import { ApiInt32, ApiInt64 } from '../../common/api-integer.decorator.js';

/** Files one message may carry. */
export const MAX_ATTACHMENTS = 10;

export class SendMessageDto {
  /**
   * The recipient; not yourself.
   * @example 2
   */
  @ApiInt32()
  @IsInt()
  @Min(1)
  @Max(MAX_USER_ID)
  user_id!: number;

  /**
   * The text, 1–4000 characters. With at least one of `attachment_ids` it may be left out (or be empty).
   * @example Hello, user_2
   */
  @ApiProperty({ required: false })
  @ValidateIf((dto: SendMessageDto) => !dto.attachment_ids?.length || (dto.message !== undefined && dto.message !== ''))
  @IsMessageText()
  message?: string;

  /**
   * Makes the send safe to retry, like the Idempotency-Key header: a second send
   * with the same value returns the first message instead of storing another.
   * @example 5f0c8a9e-1d2b-4c3d-9e8f-7a6b5c4d3e2f
   */
  @IsOptional()
  @IsClientKey()
  client_id?: string;

  /**
   * Makes this a reply to a message of the same conversation (else 400; an id you cannot see is 404).
   * @example 1
   */
  @ApiInt64({ required: false })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  reply_to_id?: number;

  /**
   * Files to send with the message, in this order: ids from POST /uploads, at most 10, each yours and not yet sent
   * (another user's, or an unknown id, is 404; one already sent is 409).
   * @example ["0b9f3c52-7f2e-4a8b-9a51-2f1d6c3e8a47"]
   */
  @ApiProperty({ type: [String], required: false })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_ATTACHMENTS)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  attachment_ids?: string[];
}
