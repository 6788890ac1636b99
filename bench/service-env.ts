/* How every harness runs the service under test, so that figures from different harnesses compare. */
import { attachmentsEnv } from './attachments.js';
import type { BenchOptions } from './options.js';
import { EDIT_WINDOW_SECONDS } from './scenarios.js';

/** Database connections on each side: the baseline's pool, and the service's pools across its workers. */
export const POOL_SIZE = 10;

export function serviceEnv(options: Pick<BenchOptions, 'workers'>, storageDir: string): Record<string, string> {
  return {
    ...attachmentsEnv(storageDir),
    WEB_CONCURRENCY: String(options.workers),
    DB_POOL_SIZE: String(Math.ceil(POOL_SIZE / options.workers)),
    // Limits far above the load, so the run measures the service, not 429s (the limiter still runs).
    RATE_LIMIT_SEND_PER_USER: '1000000',
    RATE_LIMIT_BROADCAST_PER_USER: '1000',
    RATE_LIMIT_EDIT_PER_USER: '1000000',
    RATE_LIMIT_REACT_PER_USER: '1000000',
    RATE_LIMIT_SEARCH_PER_USER: '1000000',
    // No edit window (the default is 900 s): the edit row changes seeded messages, which are a day old.
    MESSAGE_EDIT_WINDOW_SECONDS: String(EDIT_WINDOW_SECONDS),
  };
}
