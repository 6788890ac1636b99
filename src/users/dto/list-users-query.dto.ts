import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto.js';
import { ApiPropertyOptional } from '@nestjs/swagger';

export const USER_FILTERS = ['all', 'active', 'inactive'] as const;
export type UserFilter = (typeof USER_FILTERS)[number];

export class ListUsersQueryDto extends PageQueryDto {
  /** `active`: users with a live session; `inactive`: the others. */
  @ApiPropertyOptional({ enum: USER_FILTERS, default: 'all' })
  @IsOptional()
  @IsIn(USER_FILTERS)
  type: UserFilter = 'all';
}
