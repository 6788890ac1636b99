import { IsMessageText } from './message-text.decorator.js';

export class BroadcastMessageDto {
  /**
   * Sent to every other user.
   * @example Hello, everyone
   */
  @IsMessageText()
  message!: string;
}
