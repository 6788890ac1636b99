import { IsString, Length } from 'class-validator';
import { EqualsProperty } from './equals-property.decorator.js';

export class ChangePasswordDto {
  /** The password in use now. */
  @IsString()
  @Length(1, 128)
  current_password!: string;

  /** 8–128 characters. */
  @IsString()
  @Length(8, 128)
  new_password_1!: string;

  /** The new password again. */
  @IsString()
  @EqualsProperty('new_password_1')
  new_password_2!: string;
}
