import type { Redis } from 'ioredis';
import cluster from 'node:cluster';
import {
  type RateLimiterAbstract,
  RateLimiterCluster,
  RateLimiterMemory,
  RateLimiterRedis,
} from 'rate-limiter-flexible';

/**
 * A counter of `points` per `duration` seconds: in Redis when there is one (with
 * this process's memory as insurance while Redis is down), else in memory: the
 * primary's for a worker of WEB_CONCURRENCY (so a limit is per user, not per
 * worker), or this process's.
 */
export function createLimiter(
  name: string,
  points: number,
  duration: number,
  redis: Redis | null,
): RateLimiterAbstract {
  const options = { keyPrefix: `parley:rate:${name}`, points, duration };
  if (redis) {
    return new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: new RateLimiterMemory(options) });
  }
  return cluster.isWorker ? new RateLimiterCluster({ ...options, timeoutMs: 1_000 }) : new RateLimiterMemory(options);
}
