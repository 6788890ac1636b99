import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsClientKey } from './client-key.js';
import { MAX_USER_ID } from '../../users/dto/user-id-param.dto.js';
import { IsMessageText } from './message-text.decorator.js';
import { ApiInt32, ApiInt64 } from '../../common/api-integer.decorator.js';

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
   * The text, 1–4000 characters.
   * @example Hello, user_2
   */
  @IsMessageText()
  message!: string;

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
}
