import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { ApiInt32, ApiInt64 } from '../../common/api-integer.decorator.js';
import { MAX_USER_ID } from '../../users/dto/user-id-param.dto.js';

export class ReportIdParamDto {
  /** The report's id. */
  @ApiInt64()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  id!: number;
}

export class ModeratedUserParamDto {
  /** The user's id. */
  @ApiInt32()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_USER_ID)
  id!: number;
}
