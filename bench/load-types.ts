/* What the load drivers (load.ts, wrk.ts) and the report share. */
export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  failures: number;
  /** Write rows only (bench/cpu.ts): the CPU each side spent per request in this measurement. */
  cpu?: CpuPerRequest;
}

/** Microseconds of CPU per request, summed over all cores, and the share of the machine left idle. */
export interface CpuPerRequest {
  /** The server under test: the service's primary and workers, or the bare floor server; 0 for a SQL baseline. */
  serverUs: number;
  /** PostgreSQL's processes. */
  databaseUs: number;
  /** Everything else: the load generator (for a SQL baseline, this harness), the kernel's network work. */
  otherUs: number;
  idlePercent: number;
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
