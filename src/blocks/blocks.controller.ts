import { Controller, Delete, Get, HttpCode, HttpStatus, Param, Put, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator.js';
import type { AuthUser } from '../common/caller/auth-user.js';
import { CurrentUser } from '../common/caller/current-user.decorator.js';
import { PageQueryDto } from '../common/page-query.dto.js';
import { UserIdParamDto } from '../users/dto/user-id-param.dto.js';
import { UserPageDto } from '../users/dto/user-page.dto.js';
import { BlocksService } from './blocks.service.js';

@ApiTags('blocks')
@Controller('blocks')
export class BlocksController {
  constructor(private readonly blocksService: BlocksService) {}

  /**
   * The users you blocked.
   * @remarks In user id order, keyset-paginated like GET /users.
   */
  @Get()
  @ApiErrors(HttpStatus.BAD_REQUEST)
  listBlocked(@CurrentUser() caller: AuthUser, @Query() query: PageQueryDto): Promise<UserPageDto> {
    return this.blocksService.listBlocked(caller.id, query);
  }

  /**
   * Block a user.
   * @remarks From the 204 on, neither of you can send to the other (403 "you cannot message this user", which does
   * not say who blocked), react or edit in your conversation; their send_to_all skips you; their typing never
   * reaches you; to them you appear offline. The history stays readable to both, and the chat stays in your list.
   * Nobody is told. Blocking again changes nothing.
   */
  @Put(':user_id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'The user is blocked' })
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND)
  blockUser(@CurrentUser() caller: AuthUser, @Param() params: UserIdParamDto): Promise<void> {
    return this.blocksService.block(caller.id, params.user_id);
  }

  /**
   * Unblock a user.
   * @remarks Also 204 when the user was not blocked. Their presence watch does not resume by itself: their client
   * watches again.
   */
  @Delete(':user_id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'The user is not blocked (any more)' })
  @ApiErrors(HttpStatus.BAD_REQUEST)
  unblockUser(@CurrentUser() caller: AuthUser, @Param() params: UserIdParamDto): Promise<void> {
    return this.blocksService.unblock(caller.id, params.user_id);
  }
}
