import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { TokenQueryDto } from '../../auth/dto/token-query.dto.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../common/page-query.dto.js';

export class HistoryQueryDto extends TokenQueryDto {
  /** How many messages to return (1–200). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;

  /** Only messages older than this message id. Without `before` or `after`: the latest page. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  before?: number;

  /** Only messages newer than this message id (cannot be combined with `before`). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  after?: number;
}
