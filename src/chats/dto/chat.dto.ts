import { MessageDto } from '../../messages/dto/message.dto.js';
import { ApiInt32 } from '../../common/api-integer.decorator.js';

export class ChatDto {
  /** The other user in this chat. */
  @ApiInt32()
  user_id!: number;

  /** The other user's username; the empty string once they deleted their account. */
  username!: string;

  /**
   * Whether the other user deleted their account. The conversation stays readable (their messages as tombstones);
   * nothing can be sent to them any more.
   */
  deleted!: boolean;

  /** Messages from that user you have not marked read. */
  @ApiInt32()
  unread_count!: number;

  /** Whether you muted this chat: it still counts unread and updates live, but sends you no push notifications. */
  muted!: boolean;

  /** When the mute ends (ISO 8601); null when the chat is not muted, or muted until you unmute it. */
  muted_until!: string | null;

  /** The newest message in either direction. */
  last_message!: MessageDto;
}
