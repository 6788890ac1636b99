import { IsMessageText } from './message-text.decorator.js';

export class EditMessageDto {
  /**
   * The new text, by the rules of POST /send: 1–4000 characters.
   * @example Hello again, user_2
   */
  @IsMessageText()
  message!: string;
}
