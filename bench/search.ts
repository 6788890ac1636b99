/*
 * Search at scale (issue 23), in the growth mode: after a growth step is measured, the hot user gets a history of
 * SEARCH_USER_MESSAGES messages across SEARCH_PEERS conversations with planted words, the whole table is put in
 * the search index in bulk (as a deployment that has caught up would have it), and each kind of query is timed
 * through the service: p50 and p99 on one connection, requests per second at the run's concurrency, and
 * EXPLAIN (ANALYZE, BUFFERS) of the page's statement.
 *
 * Everyone's seeded text has "meeting" in one message in ten (seed.ts), so the common word is common in the whole
 * table, as it would be: a plan that reads everyone's matches before the owner's shows here.
 */
import type pg from 'pg';
import { writeSearchRows, searchStatement } from '../src/search/search.queries.js';
import { parseSearchTerms } from '../src/search/search-terms.js';
import { MAX_BIGINT } from '../src/common/keyset-page.js';
import type { HttpRequestSpec, LoadGenerator, LoadResult, LoadSettings } from './load-types.js';
import { medianRound, percentile, runHttpLoad } from './load.js';
import { benchToken, HOT_PEER, HOT_USER } from './seed.js';

export const SEARCH_USER_MESSAGES = 100_000;
const SEARCH_PEERS = 200;
const PAGE = 20;

/** The query of each row, and what it stands for. */
export const SEARCH_QUERIES = [
  { kind: 'rare word', q: 'zanzibar', matches: '3 of the user’s messages (written Zanzíbar)' },
  { kind: 'common word', q: 'meeting', matches: '1 in 10 of the user’s messages, and of everyone’s' },
  { kind: 'prefix', q: 'addr', matches: '"address" in 1 in 100 of the user’s messages' },
  { kind: '4-character substring', q: '4711', matches: '"ticket-4711-b" in 1 in 1 000 of the user’s messages' },
] as const;

export interface SearchRow {
  kind: string;
  q: string;
  matches: string;
  single: LoadResult;
  concurrent: LoadResult;
  explain: string;
}

/**
 * The hot user's searchable history: 8 words a message from a skewed vocabulary of 20 000 made-up words, plus the
 * planted ones. Inserted after the growth step's own measurements (the chat rows do not count these messages).
 */
async function plantSearchHistory(pool: pg.Pool): Promise<void> {
  await pool.query(
    `INSERT INTO messages (sender_id, recipient_id, body, created_at, read_at)
     SELECT CASE WHEN n % 2 = 0 THEN $1::int ELSE peer END, CASE WHEN n % 2 = 0 THEN peer ELSE $1::int END,
            -- "0 * n" ties the subquery to the row, so it runs for each (uncorrelated, it would run once).
            (SELECT string_agg('w' || floor(power(random(), 3) * 20000)::int, ' ') FROM generate_series(1, 8 + 0 * n))
              || CASE WHEN n % 10 = 0 THEN ' meeting' ELSE '' END
              || CASE WHEN n % 100 = 7 THEN ' the address' ELSE '' END
              || CASE WHEN n % 1000 = 13 THEN ' ticket-4711-b' ELSE '' END
              || CASE WHEN n IN (17, 40017, 90017) THEN ' Zanzíbar' ELSE '' END,
            now() - interval '30 days' + n * interval '1 second', now()
       FROM (SELECT n, 3 + n % $3::int AS peer FROM generate_series(1, $2::int) n) planned
      ORDER BY n`,
    [HOT_USER, SEARCH_USER_MESSAGES, SEARCH_PEERS],
  );
}

/**
 * Every message in the index, written in bulk with the indexer's own row SQL: the two GIN indexes are dropped
 * first and built again after (far faster than updating them row by row), from their definitions in the schema.
 */
export async function indexEverything(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'message_search' AND indexname <> 'message_search_pkey'`,
  );
  const client = await pool.connect();
  try {
    await client.query(`SET maintenance_work_mem = '1GB'`);
    await client.query('TRUNCATE message_search, search_pending');
    for (const { indexname } of rows) await client.query(`DROP INDEX ${indexname}`);
    await client.query(`WITH ${writeSearchRows('true')} SELECT count(*) FROM indexed`);
    for (const { indexdef } of rows) await client.query(indexdef);
    await client.query('VACUUM ANALYZE message_search');
    await client.query('CHECKPOINT');
  } finally {
    client.release();
  }
}

export async function prepareSearch(pool: pg.Pool, log: (line: string) => void): Promise<void> {
  let started = performance.now();
  await plantSearchHistory(pool);
  log(`search: planted ${SEARCH_USER_MESSAGES.toLocaleString('en')} messages of the hot user in ${seconds(started)}`);
  started = performance.now();
  await indexEverything(pool);
  const { rows } = await pool.query<{ rows: string; size: string }>(
    `SELECT (SELECT count(*) FROM message_search)::text AS rows,
            pg_size_pretty(pg_total_relation_size('message_search')) AS size`,
  );
  log(`search: indexed ${rows[0].rows} rows (${rows[0].size} with indexes) in ${seconds(started)}`);
}

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

export async function measureSearch(
  url: string,
  pool: pg.Pool,
  settings: LoadSettings & { loadGenerator: LoadGenerator; rounds: number },
): Promise<SearchRow[]> {
  const rows: SearchRow[] = [];
  for (const query of SEARCH_QUERIES) {
    const next = (): HttpRequestSpec => ({
      method: 'GET',
      path: `/search/messages?q=${encodeURIComponent(query.q)}&limit=${PAGE}`,
      token: benchToken(HOT_USER),
    });
    const statement = searchStatement(parseSearchTerms(query.q), HOT_USER, null, String(MAX_BIGINT), PAGE + 1);
    const explained = await pool.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`,
      statement.values,
    );
    await runHttpLoad(url, next, { ...settings, concurrency: 1, durationSeconds: 1 });
    const single: LoadResult[] = [];
    const concurrent: LoadResult[] = [];
    for (let round = 0; round < settings.rounds; round++) {
      single.push(await runHttpLoad(url, next, { ...settings, concurrency: 1 }));
      concurrent.push(await runHttpLoad(url, next, settings));
    }
    rows.push({
      ...query,
      single: medianRound(single),
      concurrent: medianRound(concurrent),
      explain: explained.rows.map((row) => row['QUERY PLAN']).join('\n'),
    });
  }
  return rows;
}

export interface FreshnessRow {
  sends: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * How long a sent message stays unfindable: `sends` messages, one at a time, each with a word of its own; after
 * each 201 the recipient searches for the word until it is found. Milliseconds from the 201 to the first answer
 * that has it (the indexer runs after the commit: docs/search.md).
 */
export async function measureFreshness(url: string, sends: number): Promise<FreshnessRow> {
  const delays: number[] = [];
  const run = Date.now().toString(36);
  for (let n = 0; n < sends; n++) {
    const word = `fresh${run}x${n}`;
    const sent = await fetch(`${url}/send`, {
      method: 'POST',
      headers: { authorization: `Bearer ${benchToken(HOT_USER)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: HOT_PEER, message: `findable ${word}` }),
    });
    if (sent.status !== 201) throw new Error(`send answered ${sent.status}`);
    const committed = performance.now();
    for (;;) {
      const found = await fetch(`${url}/search/messages?q=${word}&limit=1`, {
        headers: { authorization: `Bearer ${benchToken(HOT_PEER)}` },
      });
      const page = (await found.json()) as { messages: unknown[] };
      if (page.messages.length > 0) break;
      if (performance.now() - committed > 10_000) throw new Error(`${word} not findable after 10 s`);
    }
    delays.push(performance.now() - committed);
  }
  delays.sort((a, b) => a - b);
  return { sends, p50: percentile(delays, 0.5), p99: percentile(delays, 0.99), max: delays.at(-1) ?? NaN };
}
