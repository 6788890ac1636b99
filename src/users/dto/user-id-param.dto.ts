import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { ApiInt32 } from '../../common/api-integer.decorator.js';

/** User ids are PostgreSQL integers. */
export const MAX_USER_ID = 2_147_483_647;

export class UserIdParamDto {
  /** The other user's id. */
  @ApiInt32()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_USER_ID)
  user_id!: number;
}
