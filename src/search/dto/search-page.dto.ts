import { ApiProperty } from '@nestjs/swagger';
import { ApiInt32 } from '../../common/api-integer.decorator.js';
import { MessageDto } from '../../messages/dto/message.dto.js';

/** Where a search term occurs in a message's text. */
export class HighlightRangeDto {
  /** Offset of the first character, in UTF-16 code units of `message` (JavaScript string indexes). @example 12 */
  @ApiInt32()
  start!: number;

  /** Offset just past the last character (exclusive), in UTF-16 code units. @example 16 */
  @ApiInt32()
  end!: number;
}

/** A message that matched, with where. */
export class SearchResultDto extends MessageDto {
  /**
   * The matches in `message`, sorted, never overlapping. Offsets, not markup: a client wraps those ranges in its
   * own elements and never parses the message as HTML. Empty when only a file name matched.
   */
  highlight!: HighlightRangeDto[];
}

export class SearchPageDto {
  /** Newest first. */
  messages!: SearchResultDto[];

  /** Pass it as `cursor` for the next, older page; null on the last. */
  @ApiProperty({ type: String, nullable: true })
  next_cursor!: string | null;
}
