import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../common/page-query.dto.js';
import { ApiInt32, ApiInt64 } from '../../common/api-integer.decorator.js';

export class HistoryQueryDto {
  /** How many messages to return (1–200). */
  @ApiInt32({ required: false, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;

  /** Only messages older than this message id. Without `before` or `after`: the latest page. */
  @ApiInt64({ required: false })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  before?: number;

  /** Only messages newer than this message id (cannot be combined with `before`). */
  @ApiInt64({ required: false })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  after?: number;
}
