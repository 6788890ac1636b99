/*
 * The environment the service reads, validated once at boot. Every variable
 * here is listed with its default in .env.example.
 */
import { applyDecorators, type LogLevel } from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';

/** Most severe first. */
const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** LOG_LEVEL and every level more severe than it. */
export function enabledLogLevels(level: LogLevel): LogLevel[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1);
}

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));

/** An integer setting, given as a string in the environment. */
function IntSetting(min: number, max = Number.MAX_SAFE_INTEGER): PropertyDecorator {
  return applyDecorators(Transform(toInt), IsInt(), Min(min), Max(max));
}

export class Environment {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IntSetting(0, 65535)
  PORT = 3000;

  /** Connection string of an external PostgreSQL; when absent an embedded server is started. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// connection string' })
  DATABASE_URL?: string;

  /** Where the embedded PostgreSQL keeps its data between runs. */
  @IsString()
  EMBEDDED_PG_DIR = '.data/postgres';

  /** Connections in each worker's pool. */
  @IntSetting(1, 200)
  DB_POOL_SIZE = 10;

  /** Worker processes serving HTTP on the one port (node:cluster); one per core uses the whole machine. */
  @IntSetting(1, 64)
  WEB_CONCURRENCY = 1;

  /** Session lifetime in seconds (default 30 days). */
  @IntSetting(60)
  TOKEN_TTL = 30 * 24 * 3600;

  /** Redis for rate-limit counters shared by every instance; unset: counters in this process's memory. */
  @IsOptional()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// connection string' })
  REDIS_URL?: string;

  /** The window every rate limit counts in, in seconds. */
  @IntSetting(1)
  RATE_LIMIT_WINDOW_SECONDS = 60;

  /** Signups plus logins per client IP per window. */
  @IntSetting(1)
  RATE_LIMIT_AUTH_PER_IP = 30;

  /** Login (and signup) attempts per username per window, whatever the IP: credential stuffing. */
  @IntSetting(1)
  RATE_LIMIT_AUTH_PER_USERNAME = 10;

  /** POST /send per user per window. */
  @IntSetting(1)
  RATE_LIMIT_SEND_PER_USER = 600;

  /** POST /send_to_all per user per window. */
  @IntSetting(1)
  RATE_LIMIT_BROADCAST_PER_USER = 5;

  /** Origins allowed by CORS, comma-separated; unset: no cross-origin access. */
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  /** A request still unanswered after this long gets 503. */
  @IntSetting(100)
  REQUEST_TIMEOUT_MS = 10_000;

  /** The least severe level logged. */
  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'log';
}

export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const env = plainToInstance(Environment, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    const lines = errors.flatMap((e) => Object.values(e.constraints ?? {}));
    throw new Error(`Invalid environment:\n  ${lines.join('\n  ')}`);
  }
  return env;
}
