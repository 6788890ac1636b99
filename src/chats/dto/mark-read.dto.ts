import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ApiInt64 } from '../../common/api-integer.decorator.js';

export class MarkReadDto {
  /** Mark read only messages up to and including this id (what the reader has seen); default: all. */
  @ApiInt64({ required: false })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  up_to_id?: number;
}
