import { Controller, Get, HttpStatus, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/caller/auth-user.js';
import { CurrentUser } from '../common/caller/current-user.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { CurrentUserDto } from './dto/current-user.dto.js';
import { ListUsersQueryDto } from './dto/list-users-query.dto.js';
import { UserPageDto } from './dto/user-page.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@Controller()
export class UsersController {
  constructor(private readonly usersService: UsersService) {}

  /**
   * List the other users, optionally only the active or inactive ones.
   * @remarks Active means holding a live session. Keyset-paginated like GET /chat.
   */
  @Get('users')
  @ApiErrors(HttpStatus.BAD_REQUEST)
  listUsers(@CurrentUser() caller: AuthUser, @Query() query: ListUsersQueryDto): Promise<UserPageDto> {
    return this.usersService.listUsers(caller.id, query);
  }

  /**
   * The logged-in user's own profile.
   * @remarks The user the token belongs to: a cheap way to check that a stored token still works.
   */
  @Get('current_user')
  getCurrentUser(@CurrentUser() caller: AuthUser): CurrentUserDto {
    return this.usersService.getCurrentUser(caller);
  }
}
