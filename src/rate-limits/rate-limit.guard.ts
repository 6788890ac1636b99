/*
 * Rate limits with rate-limiter-flexible. Each route marked @RateLimited(group)
 * counts against its group's limiters: auth routes per client IP and per
 * username (credential stuffing spreads over IPs, so the username limit holds
 * whatever the IP), sends per user. With REDIS_URL the counters live in Redis,
 * shared by every instance; should Redis fail, each instance falls back to its
 * own memory rather than refusing or waving through every request. Without
 * Redis they live in memory: the process's own, or with WEB_CONCURRENCY > 1
 * the primary's, shared by its workers.
 *
 * Why not @nestjs/throttler: v6 is CommonJS and require()s @nestjs/common, which
 * Jest on Node 20 cannot load now that Nest 12 ships ES modules only.
 */
import { type CanActivate, type ExecutionContext, HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { AuthUser } from '../common/caller/auth-user.js';
import type { Environment } from '../config/environment.js';
import { observers } from '../observability/hooks.js';
import { type OptionalRedis, REDIS_CLIENT } from '../redis/redis.module.js';
import { createLimiter } from './limiter.js';
import { RATE_LIMIT_GROUP, type RateLimitGroup } from './rate-limit.decorator.js';

type LimitedRequest = Request & { user?: AuthUser };

interface Limit {
  limiter: RateLimiterAbstract;
  key: (request: LimitedRequest) => string;
  /** What the request costs; one when unset. */
  points?: (request: LimitedRequest) => number;
}

const byIp = (request: LimitedRequest) => request.ip ?? 'unknown';
const byUsername = (request: LimitedRequest) => {
  const username: unknown = (request.body as { username?: unknown } | undefined)?.username;
  return typeof username === 'string' ? username.toLowerCase() : `ip:${byIp(request)}`;
};
const byUser = (request: LimitedRequest) => String(request.user?.id);
const MIB = 1024 * 1024;

@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly limits: Record<RateLimitGroup, Limit[]>;

  constructor(
    private readonly reflector: Reflector,
    config: ConfigService<Environment, true>,
    @Inject(REDIS_CLIENT) redis: OptionalRedis,
  ) {
    const duration = config.get('RATE_LIMIT_WINDOW_SECONDS', { infer: true });
    const limiter = (name: string, points: number) => createLimiter(name, points, duration, redis);
    this.limits = {
      auth: [
        { limiter: limiter('auth-ip', config.get('RATE_LIMIT_AUTH_PER_IP', { infer: true })), key: byIp },
        {
          limiter: limiter('auth-username', config.get('RATE_LIMIT_AUTH_PER_USERNAME', { infer: true })),
          key: byUsername,
        },
      ],
      send: [{ limiter: limiter('send', config.get('RATE_LIMIT_SEND_PER_USER', { infer: true })), key: byUser }],
      broadcast: [
        { limiter: limiter('broadcast', config.get('RATE_LIMIT_BROADCAST_PER_USER', { infer: true })), key: byUser },
      ],
      edit: [{ limiter: limiter('edit', config.get('RATE_LIMIT_EDIT_PER_USER', { infer: true })), key: byUser }],
      react: [{ limiter: limiter('react', config.get('RATE_LIMIT_REACT_PER_USER', { infer: true })), key: byUser }],
      report: [{ limiter: limiter('report', config.get('RATE_LIMIT_REPORT_PER_USER', { infer: true })), key: byUser }],
      push: [{ limiter: limiter('push', config.get('RATE_LIMIT_PUSH_PER_USER', { infer: true })), key: byUser }],
      search: [{ limiter: limiter('search', config.get('RATE_LIMIT_SEARCH_PER_USER', { infer: true })), key: byUser }],
      // Counted in requests and in bytes (MiB, by Content-Length before a byte is read; a body without one may be
      // as large as any, so it costs the most one can be).
      upload: [
        { limiter: limiter('upload', config.get('RATE_LIMIT_UPLOADS_PER_USER', { infer: true })), key: byUser },
        {
          limiter: limiter('upload-bytes', config.get('RATE_LIMIT_UPLOAD_MIB_PER_USER', { infer: true })),
          key: byUser,
          points: (request) => {
            const length = Number(request.headers['content-length']);
            const bytes = Number.isSafeInteger(length) ? length : config.get('UPLOAD_MAX_BYTES', { infer: true });
            return Math.max(1, Math.ceil(Math.min(bytes, config.get('UPLOAD_MAX_BYTES', { infer: true })) / MIB));
          },
        },
      ],
      // Counted over its own, longer window: a handful an hour is all a user needs, and each one is heavy.
      export: [
        {
          limiter: createLimiter(
            'export',
            config.get('RATE_LIMIT_EXPORT_PER_USER', { infer: true }),
            config.get('RATE_LIMIT_EXPORT_WINDOW_SECONDS', { infer: true }),
            redis,
          ),
          key: byUser,
        },
      ],
    };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const group = this.reflector.get<RateLimitGroup | undefined>(RATE_LIMIT_GROUP, context.getHandler());
    if (!group) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<LimitedRequest>();
    for (const { limiter, key, points } of this.limits[group]) {
      try {
        await limiter.consume(key(request), points?.(request) ?? 1);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        observers.rateLimited?.(group);
        http.getResponse<Response>().setHeader('Retry-After', String(Math.ceil(rejection.msBeforeNext / 1000)));
        throw new HttpException(
          'Too many requests; retry after the seconds in the Retry-After header',
          HttpStatus.TOO_MANY_REQUESTS,
        );
      }
    }
    return true;
  }
}
