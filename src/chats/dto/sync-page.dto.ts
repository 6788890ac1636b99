import { SyncChatDto } from './sync-chat.dto.js';

export class SyncPageDto {
  /**
   * Every chat whose state changed since `since` (a message sent or received, a read by either side), in its
   * current state, newest activity first. A chat may come again in a later answer; apply it by `user_id`.
   */
  chats!: SyncChatDto[];

  /** Pass it as `since` next time. Store it only after applying `chats`. */
  next_cursor!: string;

  /** True without `since`, or when too much changed to list: reload GET /chat, then go on from `next_cursor`. */
  reset!: boolean;
}
