/*
 * The one optional Redis client (REDIS_URL), shared by the rate limiters and
 * the socket adapter. It fails fast while Redis is down (no offline queue),
 * so callers fall back at once (rate limits to memory, live events to this
 * process) instead of piling up commands; ioredis reconnects by itself.
 */
import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Redis } from 'ioredis';
import type { Environment } from '../config/environment.js';

export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

/** Inject with `@Inject(REDIS_CLIENT)`; null without REDIS_URL. */
export type OptionalRedis = Redis | null;

@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [ConfigService],
      useFactory: (config: ConfigService<Environment, true>): OptionalRedis => {
        const url = config.get('REDIS_URL', { infer: true });
        return url ? new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }) : null;
      },
    },
  ],
  exports: [REDIS_CLIENT],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: OptionalRedis) {}

  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }
}
