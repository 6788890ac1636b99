import { SetMetadata } from '@nestjs/common';

/** Which limits a route counts against (see rate-limit.guard.ts). */
export type RateLimitGroup =
  'auth' | 'send' | 'broadcast' | 'edit' | 'react' | 'report' | 'export' | 'push' | 'upload' | 'search';

export const RATE_LIMIT_GROUP = 'rateLimitGroup';

export const RateLimited = (group: RateLimitGroup) => SetMetadata(RATE_LIMIT_GROUP, group);
