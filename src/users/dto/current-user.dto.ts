export class CurrentUserDto {
  /** @example 1 */
  id!: number;

  /** @example user_1 */
  username!: string;

  /** @example user_1@example.com */
  email!: string;

  created_at!: Date;
}
