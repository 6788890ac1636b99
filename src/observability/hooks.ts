/*
 * Where the database, rate-limit and notification code report to metrics and tracing, without depending
 * on them: metrics.ts and tracing.ts fill these in when METRICS_PORT or OTEL_EXPORTER_OTLP_ENDPOINT is set;
 * unset, each call site pays one property read.
 */
export const observers: {
  /** A prepared statement finished (or failed) after `seconds`. */
  statement?: (name: string, seconds: number) => void;
  /** A request was refused with 429 by the limits of `group`. */
  rateLimited?: (group: string) => void;
  /** A read that may use a replica (DATABASE_REPLICA_URLS set) ran on `target`. */
  read?: (target: 'primary' | 'replica') => void;
  /** Such a read ran on the primary, and why (src/database/replicas/replica-set.ts: FallbackReason). */
  readFallback?: (reason: string) => void;
  /** A push or a webhook delivery attempt ended with `outcome` (src/notifications). */
  delivery?: (channel: 'push' | 'webhook', outcome: string) => void;
  /** Runs `work` with tracing off (tracing.ts, when on): housekeeping no request asked for, such as the warm-up. */
  untraced?: <T>(work: () => Promise<T>) => Promise<T>;
} = {};
