import { ApiProperty } from '@nestjs/swagger';
import { ChatDto } from './chat.dto.js';

export class ChatPageDto {
  /** Newest activity first. */
  chats!: ChatDto[];

  /** Pass as `cursor` to get the next page; null on the last page. */
  @ApiProperty({ type: String, nullable: true })
  next_cursor!: string | null;
}
