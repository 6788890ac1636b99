import { IsString, Length } from 'class-validator';

export class LoginDto {
  /**
   * Matched regardless of case.
   * @example user_1
   */
  @IsString()
  @Length(1, 32)
  username!: string;

  /** @example correct horse battery staple */
  @IsString()
  @Length(1, 128)
  password!: string;
}
