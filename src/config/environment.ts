/*
 * The environment the service reads, validated once at boot. Every variable
 * here is listed with its default in .env.example.
 */
import { applyDecorators, type LogLevel } from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, Validate, validateSync } from 'class-validator';
import { IsTrustProxy } from '../common/trust-proxy.js';

/** What an upload may be, by content: what UPLOAD_ALLOWED_TYPES may list, and lists by default. */
export const UPLOADABLE_TYPES = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'application/pdf',
  'text/plain',
  'application/zip',
];

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

  /**
   * Streaming replicas of DATABASE_URL that may serve reads, comma-separated postgres:// URLs; empty: every query on
   * the primary, exactly as without replicas (docs/replicas.md).
   */
  @Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? (value as string[]) : commaSeparated(value)))
  @Matches(/^postgres(ql)?:\/\//, {
    each: true,
    message: 'DATABASE_REPLICA_URLS must be comma-separated postgres:// connection strings',
  })
  DATABASE_REPLICA_URLS: string[] = [];

  /** A replica further behind the primary than this (ms) serves nobody: every read goes to another, or the primary. */
  @IntSetting(0, 600_000)
  REPLICA_MAX_LAG_MS = 5_000;

  /** How often each process asks the primary and every replica how far their WAL is (ms). */
  @IntSetting(10, 10_000)
  REPLICA_POLL_INTERVAL_MS = 50;

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

  /** Redis for rate-limit counters and live events shared by every instance; unset: this process (or its primary). */
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

  /** PATCH and DELETE /messages/{id} per user per window. */
  @IntSetting(1)
  RATE_LIMIT_EDIT_PER_USER = 120;

  /** Reactions added or removed per user per window. */
  @IntSetting(1)
  RATE_LIMIT_REACT_PER_USER = 300;

  /** POST /reports per user per window: a report costs a moderator's time, a flood of them a queue. */
  @IntSetting(1)
  RATE_LIMIT_REPORT_PER_USER = 10;

  /** Push subscriptions registered or removed per user per window: each registration may resolve a host name. */
  @IntSetting(1)
  RATE_LIMIT_PUSH_PER_USER = 30;

  /** GET /current_user/export per user per RATE_LIMIT_EXPORT_WINDOW_SECONDS: each streams the whole account. */
  @IntSetting(1)
  RATE_LIMIT_EXPORT_PER_USER = 2;

  /** The export's own window, in seconds (default an hour): exports are rare and heavy, unlike the rest. */
  @IntSetting(1)
  RATE_LIMIT_EXPORT_WINDOW_SECONDS = 3600;

  /** Client `typing` events per user per window. */
  @IntSetting(1)
  RATE_LIMIT_TYPING_PER_USER = 120;

  /** Client `presence.watch` events per user per window. */
  @IntSetting(1)
  RATE_LIMIT_PRESENCE_WATCH_PER_USER = 30;

  /** Open sockets per user, counted in each process. */
  @IntSetting(1, 1000)
  REALTIME_MAX_SOCKETS_PER_USER = 20;

  /** How often each socket's session is checked again, in seconds (catches a revocation whose event was lost). */
  @IntSetting(1)
  REALTIME_SESSION_RECHECK_SECONDS = 300;

  /** How long a user with no socket left still counts as online, in milliseconds (a reload, a network blip). */
  @IntSetting(0)
  PRESENCE_GRACE_MS = 5_000;

  /** How long after sending its sender may edit a message, in seconds; 0: no limit. */
  @IntSetting(0)
  MESSAGE_EDIT_WINDOW_SECONDS = 900;

  /** How long after sending its sender may delete a message for everyone, in seconds; 0: no limit. */
  @IntSetting(0)
  MESSAGE_DELETE_WINDOW_SECONDS = 0;

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

  /** Unset: JSON lines when stdout is not a terminal or NODE_ENV is production, else coloured text. */
  @IsOptional()
  @IsIn(['json', 'pretty'])
  LOG_FORMAT?: 'json' | 'pretty';

  /** The level of the one line logged per request; below LOG_LEVEL it costs nothing. */
  @IsIn(LOG_LEVELS)
  ACCESS_LOG_LEVEL: LogLevel = 'debug';

  /** Proxies whose X-Forwarded-For is believed: a hop count or addresses/subnets; unset: none (src/common/trust-proxy.ts). */
  @IsOptional()
  @Validate(IsTrustProxy)
  TRUST_PROXY?: string;

  /** Prometheus metrics on this port (never the API's); unset: no metrics. */
  @IsOptional()
  @IntSetting(1, 65535)
  METRICS_PORT?: number;

  /** After SIGTERM, /health/ready answers 503 this long before the server closes, so balancers stop sending. */
  @IntSetting(0, 120_000)
  SHUTDOWN_DELAY_MS = 5_000;

  /** Above common balancers' idle timeouts (60 s), so the balancer, not Parley, closes an idle connection. */
  @IntSetting(1_000)
  KEEP_ALIVE_TIMEOUT_MS = 65_000;

  @IntSetting(1_000)
  HEADERS_TIMEOUT_MS = 66_000;

  /** false: migrations are applied by a separate job; /health/ready reports pending ones. */
  @IsIn(['true', 'false'])
  MIGRATIONS_RUN: 'true' | 'false' = 'true';

  /** Web Push (VAPID, RFC 8292) public key, base64url; with the private key it turns push on. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{80,100}$/, { message: 'VAPID_PUBLIC_KEY must be a base64url P-256 public key' })
  VAPID_PUBLIC_KEY?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{40,50}$/, { message: 'VAPID_PRIVATE_KEY must be a base64url P-256 private key' })
  VAPID_PRIVATE_KEY?: string;

  /** Who push services contact about this sender (RFC 8292): a mailto: or https: URL. */
  @Matches(/^(mailto:|https:\/\/)/, { message: 'VAPID_SUBJECT must be a mailto: or https: URL' })
  VAPID_SUBJECT = 'mailto:parley@localhost';

  /** How long a message waits unread before it is pushed to an offline recipient, in milliseconds. */
  @IntSetting(0, 24 * 3600 * 1000)
  PUSH_DELAY_MS = 3_000;

  /** false: pushes carry who wrote, never what (no `preview`), for deployments that keep content off push services. */
  @Transform(({ value }: { value: unknown }) => value !== 'false' && value !== false)
  PUSH_PREVIEWS = true;

  /** true (tests, development): push endpoints may be http: and loopback or private addresses. */
  @Transform(({ value }: { value: unknown }) => value === 'true' || value === true)
  PUSH_ALLOW_INSECURE_ENDPOINTS = false;

  /** The first retry of a push the push service refused with a 5xx, in seconds; then doubling, up to 5 minutes. */
  @IntSetting(1, 3600)
  PUSH_RETRY_DELAY_SECONDS = 5;

  /**
   * false: this instance writes events but delivers none (no queue workers, no outbox drain); instances with
   * true deliver them. Splits the API from delivery when they should not share CPU.
   */
  @IsIn(['true', 'false'])
  NOTIFICATION_WORKERS: 'true' | 'false' = 'true';

  /** Where events are POSTed (Standard Webhooks), comma-separated; empty: no webhooks. */
  @Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? (value as string[]) : commaSeparated(value)))
  @IsUrl(
    { protocols: ['http', 'https'], require_tld: false, require_protocol: true },
    {
      each: true,
      message: 'WEBHOOK_URLS must be comma-separated http(s) URLs',
    },
  )
  WEBHOOK_URLS: string[] = [];

  /** The shared signing secret, `whsec_` and base64 (Standard Webhooks); required with WEBHOOK_URLS. */
  @IsOptional()
  @Matches(/^whsec_[A-Za-z0-9+/=]{32,}$/, {
    message: 'WEBHOOK_SECRET must be whsec_ followed by base64 (24 bytes or more)',
  })
  WEBHOOK_SECRET?: string;

  /** How long an event is retried before it is kept as failed (dead letter), in hours. */
  @IntSetting(1, 24 * 14)
  WEBHOOK_RETRY_HOURS = 24;

  /** The first retry, in seconds; each later one waits about twice as long. */
  @IntSetting(1, 3600)
  WEBHOOK_RETRY_DELAY_SECONDS = 5;

  /** Each delivery attempt is abandoned (and retried) after this long. */
  @IntSetting(100, 60_000)
  WEBHOOK_TIMEOUT_MS = 5_000;

  /** Where attachment files are kept: `local` (STORAGE_DIR) or `s3` (an S3-compatible bucket, S3_*). */
  @IsIn(['local', 's3'])
  STORAGE: 'local' | 's3' = 'local';

  /** STORAGE=local: the directory of the files. Several instances need it shared, or STORAGE=s3. */
  @IsString()
  STORAGE_DIR = '.data/uploads';

  /** STORAGE=s3: the endpoint of an S3-compatible service (MinIO, R2, Ceph); unset: AWS S3 of S3_REGION. */
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  S3_ENDPOINT?: string;

  @IsString()
  S3_REGION = 'us-east-1';

  @IsOptional()
  @IsString()
  S3_BUCKET?: string;

  @IsOptional()
  @IsString()
  S3_ACCESS_KEY_ID?: string;

  @IsOptional()
  @IsString()
  S3_SECRET_ACCESS_KEY?: string;

  /** true: `endpoint/bucket/key` URLs (MinIO and most self-hosted services); false: `bucket.endpoint/key`. */
  @IsIn(['true', 'false'])
  S3_FORCE_PATH_STYLE: 'true' | 'false' = 'false';

  /** The largest file POST /uploads takes; a larger one is cut off with 413 and nothing is kept. */
  @IntSetting(1, 5 * 1024 ** 3)
  UPLOAD_MAX_BYTES = 25 * 1024 * 1024;

  /** The content types an upload may have, decided from its bytes, comma-separated. */
  @Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? (value as string[]) : commaSeparated(value)))
  @IsIn(UPLOADABLE_TYPES, { each: true, message: `UPLOAD_ALLOWED_TYPES may list: ${UPLOADABLE_TYPES.join(', ')}` })
  UPLOAD_ALLOWED_TYPES: string[] = [...UPLOADABLE_TYPES];

  /** POST /uploads gets this long, its body included, before 503 (REQUEST_TIMEOUT_MS is for everything else). */
  @IntSetting(1000)
  UPLOAD_TIMEOUT_MS = 300_000;

  /** An image over this many pixels is refused (422) before it is decoded: a decompression bomb never is. */
  @IntSetting(1, 1_000_000_000)
  UPLOAD_MAX_PIXELS = 100_000_000;

  /** An upload never attached to a message is deleted after this many hours. */
  @IntSetting(1, 24 * 365)
  UPLOAD_ORPHAN_HOURS = 24;

  /** POST /uploads per user per window. */
  @IntSetting(1)
  RATE_LIMIT_UPLOADS_PER_USER = 60;

  /** Mebibytes a user may upload per window (a request counts its Content-Length, or UPLOAD_MAX_BYTES without one). */
  @IntSetting(1)
  RATE_LIMIT_UPLOAD_MIB_PER_USER = 500;

  /** GET /search/messages per user per window. */
  @IntSetting(1)
  RATE_LIMIT_SEARCH_PER_USER = 60;

  /** A search running longer than this is cancelled and answered 503, so no query holds a connection for long. */
  @IntSetting(100, 60_000)
  SEARCH_STATEMENT_TIMEOUT_MS = 3000;

  /**
   * false: this instance does not index messages for search (its writes are still noted and indexed by instances
   * with true). Splits the API from indexing when they should not share CPU.
   */
  @IsIn(['true', 'false'])
  SEARCH_INDEXER: 'true' | 'false' = 'true';

  /** How often the search indexer looks for new and changed messages while it has none to do (docs/search.md). */
  @IntSetting(10, 60_000)
  SEARCH_INDEX_INTERVAL_MS = 200;

  /** OpenTelemetry traces go to this OTLP endpoint; unset: no tracing code is even loaded. */
  @IsOptional()
  @IsString()
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
}

/** A comma-separated setting as a list, blanks dropped. */
function commaSeparated(value: unknown): string[] {
  return (typeof value === 'string' ? value : '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** CORS_ORIGINS as a list: the browser origins allowed besides the API's own, for HTTP and the socket alike. */
export function allowedOrigins(corsOrigins: string | undefined): string[] {
  return commaSeparated(corsOrigins);
}

export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const env = plainToInstance(Environment, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    const lines = errors.flatMap((e) => Object.values(e.constraints ?? {}));
    throw new Error(`Invalid environment:\n  ${lines.join('\n  ')}`);
  }
  if (env.STORAGE === 's3' && !(env.S3_BUCKET && env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY)) {
    throw new Error('Invalid environment:\n  STORAGE=s3 needs S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY');
  }
  if (env.DATABASE_REPLICA_URLS.length > 0 && env.WEB_CONCURRENCY > 1 && !env.REDIS_URL) {
    // Causal positions are kept in the process without Redis: a worker would not see another worker's writes.
    throw new Error(
      'Invalid environment:\n  DATABASE_REPLICA_URLS with WEB_CONCURRENCY > 1 needs REDIS_URL (where every worker sees the causal positions)',
    );
  }
  if (env.WEBHOOK_URLS.length > 0 && !env.WEBHOOK_SECRET) {
    throw new Error('Invalid environment:\n  WEBHOOK_SECRET is required when WEBHOOK_URLS is set');
  }
  return env;
}
