import { Controller, Get, HttpStatus, ServiceUnavailableException } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Public } from '../common/caller/public.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { HealthCheckDto, HealthIndicatorDto } from './dto/health-check.dto.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * 200 while the database answers (connected and migrated), 503 when it does not.
   * @remarks Checks the database only; for orchestrators, /health/live and /health/ready split the question.
   * Needs no token.
   */
  @Public()
  @Get()
  // Terminus would document its own 503 report, which the exception filter turns into the one error shape.
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiExtraModels(HealthIndicatorDto)
  @ApiOkResponse({ description: 'The database answers', type: HealthCheckDto })
  @ApiErrors(HttpStatus.SERVICE_UNAVAILABLE)
  async checkHealth(): Promise<HealthCheckResult> {
    if (!this.dataSource.isInitialized) {
      throw new ServiceUnavailableException('Unhealthy: database not connected yet');
    }
    try {
      return await this.health.check([() => this.database.pingCheck('database', { timeout: 1500 })]);
    } catch (error) {
      // Terminus's 503 carries a report object; the one error shape wants a sentence.
      if (error instanceof ServiceUnavailableException) {
        const report = error.getResponse() as Partial<HealthCheckResult>;
        throw new ServiceUnavailableException(
          `Unhealthy: ${Object.keys(report.error ?? {}).join(', ') || 'unknown'} down`,
        );
      }
      throw error;
    }
  }
}
