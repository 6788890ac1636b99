import type { Redis } from 'ioredis';
import cluster from 'node:cluster';
import { RateLimiterCluster, RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { LeasedLimiter } from './leased-limiter.js';

/** Refuses with rate-limiter-flexible's RateLimiterRes (msBeforeNext: when to retry) once a key is over its limit. */
export interface Limiter {
  consume(key: string, points?: number): Promise<unknown>;
}

/**
 * A counter of `points` per `duration` seconds: in Redis when there is one (with
 * this process's memory as insurance while Redis is down), else in memory: the
 * primary's for a worker of WEB_CONCURRENCY (so a limit is per user, not per
 * worker), or this process's. A counter another process keeps is spent a lease
 * at a time (leased-limiter.ts), so most requests do not cross to it.
 */
export function createLimiter(name: string, points: number, duration: number, redis: Redis | null): Limiter {
  const options = { keyPrefix: `parley:rate:${name}`, points, duration };
  if (redis) {
    const insuranceLimiter = new RateLimiterMemory(options);
    return new LeasedLimiter(new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter }));
  }
  if (cluster.isWorker) return new LeasedLimiter(new RateLimiterCluster({ ...options, timeoutMs: 1_000 }));
  return new RateLimiterMemory(options);
}
