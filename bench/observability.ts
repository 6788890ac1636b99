/*
 * What operations cost: GET /current_user and POST /send on three copies of
 * the service started side by side on the same database, measured in
 * alternating rounds (medians), so the machine's drift lands on all three:
 *   off:   text logs, no metrics (the request id is always on);
 *   on:    JSON logs and Prometheus metrics (METRICS_PORT), the access line at its default level (debug: not written);
 *   on + access line: the same with ACCESS_LOG_LEVEL=log, one JSON line per request.
 * Logs go to /dev/null: the cost of writing them, not of a log shipper.
 */
import { findFreePort } from '../src/database/embedded-postgres.js';
import type { LoadResult } from './load-types.js';
import { medianRound, runHttpLoad } from './load.js';
import type { BenchOptions } from './options.js';
import type { Scenario } from './scenarios.js';
import { type RunningService, startService } from './service.js';

export interface ObservabilityRow {
  endpoint: string;
  off: LoadResult;
  on: LoadResult;
  onWithAccessLine: LoadResult;
  /**
   * The service's CPU time per request served (µs, median of the rounds): what each variant costs, far less
   * swayed than throughput by whatever else the shared machine runs meanwhile.
   */
  cpuMicrosPerRequest: { off: number; on: number; onWithAccessLine: number };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

type Variant = 'off' | 'on' | 'onWithAccessLine';

async function variantEnv(variant: Variant): Promise<Record<string, string>> {
  if (variant === 'off') return { LOG_LEVEL: 'log', LOG_FORMAT: 'pretty' };
  const on = { LOG_LEVEL: 'log', LOG_FORMAT: 'json', METRICS_PORT: String(await findFreePort()) };
  return variant === 'on' ? on : { ...on, ACCESS_LOG_LEVEL: 'log' };
}

export async function measureObservability(
  options: BenchOptions,
  databaseUrl: string,
  observed: Scenario[],
  serviceEnv: Record<string, string>,
): Promise<ObservabilityRow[]> {
  const variants: Variant[] = ['off', 'on', 'onWithAccessLine'];
  const services: Partial<Record<Variant, RunningService>> = {};
  try {
    for (const variant of variants) {
      services[variant] = await startService(
        databaseUrl,
        { ...serviceEnv, ...(await variantEnv(variant)) },
        undefined,
        { discardStdout: true },
      );
    }
    const rows: ObservabilityRow[] = [];
    for (const scenario of observed) {
      const results: Record<Variant, LoadResult[]> = { off: [], on: [], onWithAccessLine: [] };
      const cpu: Record<Variant, number[]> = { off: [], on: [], onWithAccessLine: [] };
      for (const variant of variants) {
        await runHttpLoad(services[variant]!.url, scenario.next, { ...options, durationSeconds: 1 });
      }
      for (let round = 0; round < options.rounds; round++) {
        // A different variant first in each round, so none is always the one measured right after another.
        const order = variants.map((_, i) => variants[(i + round) % variants.length]);
        for (const variant of order) {
          const service = services[variant]!;
          const cpuBefore = service.cpuSeconds();
          const result = await runHttpLoad(service.url, scenario.next, options);
          const requests = result.requestsPerSecond * options.durationSeconds;
          results[variant].push(result);
          cpu[variant].push((1e6 * (service.cpuSeconds() - cpuBefore)) / requests);
        }
      }
      rows.push({
        endpoint: scenario.name,
        off: medianRound(results.off),
        on: medianRound(results.on),
        onWithAccessLine: medianRound(results.onWithAccessLine),
        cpuMicrosPerRequest: {
          off: median(cpu.off),
          on: median(cpu.on),
          onWithAccessLine: median(cpu.onWithAccessLine),
        },
      });
    }
    return rows;
  } finally {
    for (const service of Object.values(services)) await service?.stop();
  }
}
