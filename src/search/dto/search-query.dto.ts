import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { ApiInt32 } from '../../common/api-integer.decorator.js';
import { MESSAGE_TEXT } from '../../messages/dto/message-text.decorator.js';
import { MAX_USER_ID } from '../../users/dto/user-id-param.dto.js';
import { MAX_QUERY_LENGTH } from '../search-terms.js';

export const MAX_SEARCH_PAGE_SIZE = 100;
export const DEFAULT_SEARCH_PAGE_SIZE = 20;

export class SearchQueryDto {
  /**
   * What to find (1–200 characters): every term must match. A term of three or more letters or digits matches
   * anywhere in a message (`addr` finds `address`, `4711` finds `ticket-4711-b`), a shorter one a whole word, and
   * `"a quoted phrase"` its words in order. Case and accents are ignored; punctuation alone matches nothing.
   * Attachment file names are searched too. @example addr
   */
  @IsString()
  @Length(1, MAX_QUERY_LENGTH)
  @Matches(MESSAGE_TEXT, { message: '$property must not be only white space, nor contain NUL characters' })
  q!: string;

  /** Only your conversation with this user. A user you never talked to gives an empty list. */
  @ApiInt32({ required: false })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_USER_ID)
  user_id?: number;

  /** How many messages to return (1–100). */
  @ApiInt32({ required: false, default: DEFAULT_SEARCH_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_SEARCH_PAGE_SIZE)
  limit: number = DEFAULT_SEARCH_PAGE_SIZE;

  /** The `next_cursor` of the previous page; omit for the first page. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  cursor?: string;
}
