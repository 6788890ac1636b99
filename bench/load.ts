/*
 * Two drivers with the same shape of result: wrk (or autocannon) against the
 * HTTP service, and a plain loop of the endpoint's own SQL through a pg Pool at
 * the same concurrency (the baseline: what the database alone can do).
 */
import autocannon from 'autocannon';
import type pg from 'pg';
import type { HttpRequestSpec, LoadGenerator, LoadResult, LoadSettings } from './load-types.js';
import { runWrk } from './wrk.js';

export function runHttpLoad(
  url: string,
  next: () => HttpRequestSpec,
  settings: LoadSettings & { loadGenerator: LoadGenerator },
): Promise<LoadResult> {
  return settings.loadGenerator === 'wrk' ? runWrk(url, next, settings) : runAutocannon(url, next, settings);
}

async function runAutocannon(url: string, next: () => HttpRequestSpec, settings: LoadSettings): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections: settings.concurrency,
    duration: settings.durationSeconds,
    requests: [
      {
        setupRequest: (request) => {
          const spec = next();
          return {
            ...request,
            method: spec.method,
            path: spec.path,
            headers: { authorization: `Bearer ${spec.token}`, 'content-type': 'application/json' },
            body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
          };
        },
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.total / settings.durationSeconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

/**
 * The round with the median rate, with every round's failures: one slow or fast stretch of a shared machine
 * (a checkpoint, a noisy neighbour) moves a single measurement, not the median of several.
 */
export function medianRound(rounds: LoadResult[]): LoadResult {
  const sorted = [...rounds].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  const failures = rounds.reduce((sum, round) => sum + round.failures, 0);
  return { ...sorted[Math.floor((sorted.length - 1) / 2)], failures };
}

export function percentile(sorted: number[], fraction: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

export async function runSqlLoad(
  pool: pg.Pool,
  operation: () => Promise<unknown>,
  settings: LoadSettings,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let failures = 0;
  const deadline = Date.now() + settings.durationSeconds * 1000;
  const worker = async () => {
    while (Date.now() < deadline) {
      const started = performance.now();
      try {
        await operation();
      } catch {
        failures++;
      }
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: settings.concurrency }, worker));
  latencies.sort((a, b) => a - b);
  return {
    requestsPerSecond: latencies.length / settings.durationSeconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    failures,
  };
}
