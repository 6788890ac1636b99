import { IsOptional, IsString, MaxLength } from 'class-validator';

export class SyncQueryDto {
  /** The `next_cursor` of your previous /sync; omit it the first time (then load GET /chat). */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  since?: string;
}
