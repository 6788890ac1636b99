import { ApiInt64 } from '../../common/api-integer.decorator.js';
import { ChatDto } from './chat.dto.js';

export class SyncChatDto extends ChatDto {
  /** The highest id of your messages in this chat that the other user has marked read (0: none). */
  @ApiInt64()
  peer_read_up_to!: number;
}
