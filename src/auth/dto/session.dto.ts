import { CurrentUserDto } from '../../users/dto/current-user.dto.js';

export class SessionDto {
  /** Send it as `Authorization: Bearer <token>`. It stays valid until logout or TOKEN_TTL. */
  token!: string;

  user!: CurrentUserDto;
}
