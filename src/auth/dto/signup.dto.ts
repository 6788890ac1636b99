import { IsEmail, IsString, Length, Matches, MaxLength } from 'class-validator';
import { EqualsProperty } from './equals-property.decorator.js';

export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]+$/;

export class SignupDto {
  /**
   * 3–32 characters: ASCII letters, digits, `_`, `.` and `-`, so that no two
   * usernames look alike. Unique regardless of case.
   * @example user_1
   */
  @IsString()
  @Length(3, 32)
  @Matches(USERNAME_PATTERN, { message: 'username may contain only letters, digits, _ . and -' })
  username!: string;

  /**
   * Unique regardless of case.
   * @example user_1@example.com
   */
  @IsString()
  @MaxLength(254)
  @IsEmail()
  email!: string;

  /**
   * 8–128 characters.
   * @example correct horse battery staple
   */
  @IsString()
  @Length(8, 128)
  password_1!: string;

  /**
   * The same password again.
   * @example correct horse battery staple
   */
  @IsString()
  @EqualsProperty('password_1')
  password_2!: string;
}
