/*
 * What search indexing costs a send (issue 23: "the send row must not fall by more than noise"). The two send rows
 * on the service with its indexer off (SEARCH_INDEXER=false) and on, in alternating rounds (medians), with the
 * CPU the indexer's database connection used meanwhile.
 *
 * One copy at a time, started for each round, not side by side as in bench/observability.ts: every indexer indexes
 * every instance's messages, so an "on" copy beside an "off" one would index the off copy's sends as well. Before
 * each round the pending notes are dropped, so an "on" round indexes what it sends and no backlog of the rounds
 * before it (what an "off" round sent is never indexed: bench data, searched by no row after this one). The
 * seeded history is indexed in bulk first.
 */
import type pg from 'pg';
import type { LoadResult } from './load-types.js';
import { medianRound, runHttpLoad } from './load.js';
import type { BenchOptions } from './options.js';
import type { Scenario } from './scenarios.js';
import { indexEverything } from './search.js';
import { cpuSecondsOf, startService } from './service.js';

export interface SearchCostRow {
  endpoint: string;
  off: LoadResult;
  on: LoadResult;
  /** CPU of the indexer's database connection while "on" ran, in % of one core (median of the rounds). */
  indexerCorePercent: number;
}

/** application_name of the indexer's connection (src/search/search-indexer.ts). */
const INDEXER_APPLICATION = 'parley-search-indexer';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The indexer's connection: opened at its first poll, which may come just after the service answers /health. */
async function indexerBackends(pool: pg.Pool): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await pool.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()',
      [INDEXER_APPLICATION],
    );
    if (rows.length > 0 || Date.now() > deadline) return rows.map((row) => String(row.pid));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function measureSearchCost(
  options: BenchOptions,
  databaseUrl: string,
  pool: pg.Pool,
  sends: Scenario[],
  serviceEnv: Record<string, string>,
): Promise<SearchCostRow[]> {
  // The seeded history in the index first, as a deployment that has caught up has it: a GIN index's inserts cost
  // more as it grows.
  await indexEverything(pool);
  const results = sends.map(() => ({ off: [] as LoadResult[], on: [] as LoadResult[], core: [] as number[] }));
  for (let round = 0; round < options.rounds; round++) {
    for (const variant of ['off', 'on'] as const) {
      await pool.query('DELETE FROM search_pending');
      const service = await startService(
        databaseUrl,
        { ...serviceEnv, SEARCH_INDEXER: variant === 'on' ? 'true' : 'false' },
        undefined,
        { discardStdout: true },
      );
      try {
        for (const [index, scenario] of sends.entries()) {
          const indexer = variant === 'on' ? await indexerBackends(pool) : [];
          if (variant === 'on' && indexer.length === 0) throw new Error('the search indexer has no connection');
          const before = cpuSecondsOf(indexer);
          results[index][variant].push(await runHttpLoad(service.url, scenario.next, options));
          if (variant === 'on') {
            results[index].core.push((100 * (cpuSecondsOf(indexer) - before)) / options.durationSeconds);
          }
        }
      } finally {
        await service.stop();
      }
    }
  }
  return sends.map((scenario, index) => ({
    endpoint: scenario.name,
    off: medianRound(results[index].off),
    on: medianRound(results[index].on),
    indexerCorePercent: median(results[index].core),
  }));
}
