import { Controller, Get, HttpStatus, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { CurrentUserDto } from './dto/current-user.dto.js';
import { ListUsersQueryDto } from './dto/list-users-query.dto.js';
import { UserPageDto } from './dto/user-summary.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@ApiBearerAuth()
@Controller()
export class UsersController {
  constructor(private readonly usersService: UsersService) {}

  /** List the other users, optionally only the active or inactive ones. */
  @Get('users')
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.UNAUTHORIZED)
  listUsers(@CurrentUser() caller: AuthUser, @Query() query: ListUsersQueryDto): Promise<UserPageDto> {
    return this.usersService.listUsers(caller.id, query);
  }

  /** The logged-in user's own profile. */
  @Get('current_user')
  @ApiErrors(HttpStatus.UNAUTHORIZED)
  getCurrentUser(@CurrentUser() caller: AuthUser): CurrentUserDto {
    return this.usersService.getCurrentUser(caller);
  }
}
