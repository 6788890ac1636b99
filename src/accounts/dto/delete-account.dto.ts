import { IsString, Length } from 'class-validator';

export class DeleteAccountDto {
  /**
   * Your current password: a token alone may be a stolen one.
   * @example correct horse battery staple
   */
  @IsString()
  @Length(1, 128)
  password!: string;
}
