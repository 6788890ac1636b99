import { ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { ApiInt32 } from '../../common/api-integer.decorator.js';

export class HealthIndicatorDto {
  @ApiProperty({ enum: ['up'] })
  status!: 'up';

  /**
   * How long the check took, in whole milliseconds (@nestjs/terminus adds it to every indicator).
   * @example 2
   */
  @ApiInt32()
  responseTime!: number;
}

const BY_INDICATOR = { type: 'object', additionalProperties: { $ref: getSchemaPath(HealthIndicatorDto) } } as const;

/** @nestjs/terminus's report of a passing check; a failing one is answered as a 503 ErrorResponseDto. */
export class HealthCheckDto {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';

  /**
   * Each indicator that is up, by name (`database`).
   * @example { "database": { "status": "up", "responseTime": 2 } }
   */
  @ApiProperty(BY_INDICATOR)
  info!: Record<string, HealthIndicatorDto>;

  /** Each indicator that is down: empty on a passing check. */
  @ApiProperty(BY_INDICATOR)
  error!: Record<string, HealthIndicatorDto>;

  /** Every indicator: on a passing check, the same as `info`. */
  @ApiProperty(BY_INDICATOR)
  details!: Record<string, HealthIndicatorDto>;
}
