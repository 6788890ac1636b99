import { MessageDto } from '../../messages/dto/message.dto.js';
import { SyncChatDto } from './sync-chat.dto.js';

export class SyncPageDto {
  /**
   * Every chat whose state changed since `since` (a message sent or received, a read by either side), in its
   * current state, newest activity first. A chat may come again in a later answer; apply it by `user_id`.
   */
  chats!: SyncChatDto[];

  /**
   * Every message of your conversations that was edited, deleted (as its tombstone) or reacted to since `since`, in
   * its current state, oldest change first. Replace the copy you hold by `id`; new messages are not listed here (load
   * them with GET /chat/{user_id}?after=, as `chats` tells you which).
   */
  messages!: MessageDto[];

  /** Pass it as `since` next time. Store it only after applying `chats`. */
  next_cursor!: string;

  /**
   * True without `since`, or when too much changed to list: reload GET /chat (and the conversations you show), then
   * go on from `next_cursor`.
   */
  reset!: boolean;
}
