/*
 * What a read replica changes (issue 24), `npm run bench -- --replica`: reads and the send on one copy of the
 * service at a time, on the primary alone (no DATABASE_REPLICA_URLS) and with one streaming replica, in
 * alternating rounds (medians). The primary and the replica are made for the run on loopback
 * (test/support/replica-cluster.ts) and share this machine's two cores with the service and the load generator, so
 * a replica cannot add throughput here: what this shows is what the routing and the position read after each
 * write cost, and how many reads the replica took (the service's own db_reads_total). Both variants share Redis
 * (the replica variant needs it with several workers: the positions live there).
 */
import { findFreePort } from '../src/database/embedded-postgres.js';
import type { LoadResult } from './load-types.js';
import { medianRound, runHttpLoad } from './load.js';
import type { BenchOptions } from './options.js';
import type { Scenario } from './scenarios.js';
import { startService } from './service.js';

export interface ReplicaRow {
  endpoint: string;
  primaryAlone: LoadResult;
  withReplica: LoadResult;
  /** Of the reads the service routed while "with replica" ran, the share the replica answered (median of rounds). */
  replicaShare: number | null;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The service's reads by target so far, from its Prometheus metrics. */
async function readsByTarget(metricsPort: number): Promise<{ primary: number; replica: number }> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const total = (target: string) =>
    [...text.matchAll(new RegExp(`^db_reads_total\\{[^}]*target="${target}"[^}]*\\} (\\S+)$`, 'gm'))].reduce(
      (sum, match) => sum + Number(match[1]),
      0,
    );
  return { primary: total('primary'), replica: total('replica') };
}

export async function measureReplica(
  options: BenchOptions,
  databaseUrl: string,
  replicaUrl: string,
  redisUrl: string,
  rows: Scenario[],
  serviceEnv: Record<string, string>,
): Promise<ReplicaRow[]> {
  const results = rows.map(() => ({
    primaryAlone: [] as LoadResult[],
    withReplica: [] as LoadResult[],
    share: [] as number[],
  }));
  for (let round = 0; round < options.rounds; round++) {
    for (const variant of ['primaryAlone', 'withReplica'] as const) {
      const metricsPort = await findFreePort();
      const service = await startService(
        databaseUrl,
        {
          ...serviceEnv,
          REDIS_URL: redisUrl,
          METRICS_PORT: String(metricsPort),
          ...(variant === 'withReplica' ? { DATABASE_REPLICA_URLS: replicaUrl } : {}),
        },
        undefined,
        { discardStdout: true },
      );
      try {
        for (const [index, scenario] of rows.entries()) {
          const before = await readsByTarget(metricsPort);
          results[index][variant].push(await runHttpLoad(service.url, scenario.next, options));
          const after = await readsByTarget(metricsPort);
          const routed = after.primary + after.replica - before.primary - before.replica;
          if (variant === 'withReplica' && routed > 0) {
            results[index].share.push((after.replica - before.replica) / routed);
          }
        }
      } finally {
        await service.stop();
      }
    }
  }
  return rows.map((scenario, index) => ({
    endpoint: scenario.name,
    primaryAlone: medianRound(results[index].primaryAlone),
    withReplica: medianRound(results[index].withReplica),
    replicaShare: results[index].share.length > 0 ? median(results[index].share) : null,
  }));
}
