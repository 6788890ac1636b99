import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { ApiInt32 } from '../../../common/api-integer.decorator.js';

export class PushSubscriptionIdParamDto {
  /** The id POST /push/subscriptions returned. */
  @ApiInt32()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  id!: number;
}
