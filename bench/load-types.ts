/* What the load drivers (load.ts, wrk.ts) and the report share. */
export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  failures: number;
}

export interface HttpRequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  path: string;
  token: string;
  body?: unknown;
}

export type LoadGenerator = 'wrk' | 'autocannon';

export interface LoadSettings {
  concurrency: number;
  durationSeconds: number;
}
