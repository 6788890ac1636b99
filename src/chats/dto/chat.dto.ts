import { ApiProperty } from '@nestjs/swagger';
import { MessageDto } from '../../messages/dto/message.dto.js';

export class ChatDto {
  /** The other user in this chat. */
  user_id!: number;

  /** The other user's username. */
  username!: string;

  /** Messages from that user you have not marked read. */
  unread_count!: number;

  /** The newest message in either direction. */
  last_message!: MessageDto;
}

export class ChatPageDto {
  /** Newest activity first. */
  chats!: ChatDto[];

  /** Pass as `cursor` to get the next page; null on the last page. */
  @ApiProperty({ type: String, nullable: true })
  next_cursor!: string | null;
}

export class MessagePageDto {
  /** Oldest to newest within the page. */
  messages!: MessageDto[];

  /**
   * A message id: pass it as `before` for the next older page (or, when this
   * page was asked for with `after`, as `after` for the next newer one);
   * null when there is no such page.
   */
  @ApiProperty({ type: Number, nullable: true })
  next_cursor!: number | null;
}

export class MarkReadResultDto {
  /** How many messages were newly marked read. */
  updated!: number;
}
