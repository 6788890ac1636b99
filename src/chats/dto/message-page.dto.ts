import { ApiInt64 } from '../../common/api-integer.decorator.js';
import { MessageDto } from '../../messages/dto/message.dto.js';

export class MessagePageDto {
  /** Oldest to newest within the page. */
  messages!: MessageDto[];

  /**
   * A message id: pass it as `before` for the next older page (or, when this
   * page was asked for with `after`, as `after` for the next newer one);
   * null when there is no such page. Unlike the opaque cursors of `/users` and
   * `/chat`, it is a plain message id, so a client can also page from any
   * message it already holds.
   */
  @ApiInt64({ nullable: true })
  next_cursor!: number | null;
}
