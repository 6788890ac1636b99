import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { TokenQueryDto } from '../auth/dto/token-query.dto.js';

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

export class PageQueryDto extends TokenQueryDto {
  /** How many items to return (1–200). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;

  /** The `next_cursor` of the previous page; omit for the first page. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  cursor?: string;
}
