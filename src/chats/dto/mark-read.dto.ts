import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class MarkReadDto {
  /** Mark read only messages up to and including this id (what the reader has seen); default: all. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  up_to_id?: number;
}
