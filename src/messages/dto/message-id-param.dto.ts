import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { ApiInt64 } from '../../common/api-integer.decorator.js';
import { IsReactionEmoji } from './emoji.js';

export class MessageIdParamDto {
  /** The message's id. */
  @ApiInt64()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  id!: number;
}

export class ReactionParamDto extends MessageIdParamDto {
  /** Exactly one emoji, URL-encoded (👍 is `%F0%9F%91%8D`). @example 👍 */
  @IsReactionEmoji()
  emoji!: string;
}
