import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { TokenQueryDto } from './token-query.dto.js';

export class LogoutQueryDto extends TokenQueryDto {
  /** `true` ends every session of this user, on every device. */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  all?: boolean;
}
