import { IsInt, Max, Min } from 'class-validator';
import { MAX_USER_ID } from '../../users/dto/user-id-param.dto.js';
import { IsMessageText } from './message-text.decorator.js';

export class SendMessageDto {
  /**
   * The recipient; not yourself.
   * @example 2
   */
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
}

export class BroadcastMessageDto {
  /**
   * Sent to every other user.
   * @example Hello, everyone
   */
  @IsMessageText()
  message!: string;
}

export class BroadcastResultDto {
  /** How many users received the message. */
  sent!: number;
}
