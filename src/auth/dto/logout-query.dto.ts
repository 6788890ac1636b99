import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';

export class LogoutQueryDto {
  /** `true` ends every session of this user, on every device. */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  all?: boolean;
}
