import type { CurrentUserDto } from './dto/current-user.dto.js';
import type { User } from './user.entity.js';

export function toCurrentUserDto(user: User): CurrentUserDto {
  return { id: user.id, username: user.username, email: user.email, created_at: user.createdAt.toISOString() };
}
