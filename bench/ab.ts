/*
 * `npm run bench:ab -- --against DIR [--against-env NAME=VALUE ...] [--rounds N] [--duration S] [--warm S]
 *  [--messages N] [--workers N]`
 *
 * This build's send rows against another build's, in alternating rounds on one database: the guard that
 * docs/performance.md sets for every change to the send path ("its rate against the build before it"). DIR is a
 * checkout of the other build with `npm run build` done there (`git worktree add /tmp/before HEAD~1`, then link
 * node_modules and build). Both services run for the whole comparison, with the same settings as `npm run bench`,
 * and are warmed with `--warm` seconds of each row before the first round, so what a process builds up over a run
 * (pools, prepared statements, JIT, rate-limit leases) is in place, as in the full run. Each round measures both,
 * the order swapped every round; the row is each side's median round, with the CPU the service spent per request.
 * `--against-env` sets the other side's environment on top of the bench's, so one build can be held against itself
 * with another setting (`--against . --against-env WEB_CONCURRENCY=1 --against-env DB_POOL_SIZE=10`).
 */
import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { reportPgErrors } from '../src/database/pg-errors.js';
import { withCpu } from './cpu.js';
import { createBenchDatabase } from './database.js';
import type { LoadResult } from './load-types.js';
import { medianRound, runHttpLoad } from './load.js';
import { parseOptions } from './options.js';
import { buildScenarios } from './scenarios.js';
import { deepCursor, seed } from './seed.js';
import { POOL_SIZE, serviceEnv } from './service-env.js';
import { type RunningService, startService } from './service.js';

const log = (line: string) => console.log(`[bench:ab] ${line}`);

/** This harness's own flags, each with a value; every other argument is `npm run bench`'s (parseOptions). */
const OWN_FLAGS = new Set(['--against', '--against-env', '--warm']);

function parseAbOptions(argv: string[]) {
  const own: Record<string, string[]> = {};
  const rest: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const [flag, inline] = argv[index].split(/=(.*)/s, 2);
    if (!OWN_FLAGS.has(flag)) {
      rest.push(argv[index]);
      continue;
    }
    const value = inline ?? argv[++index];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    (own[flag] ??= []).push(value);
  }
  const against = own['--against']?.at(-1);
  if (against === undefined) throw new Error('--against DIR: a checkout of the other build, built');
  const againstEnv = Object.fromEntries(
    (own['--against-env'] ?? []).map((setting) => {
      const equals = setting.indexOf('=');
      if (equals < 1) throw new Error(`--against-env NAME=VALUE, not ${setting}`);
      return [setting.slice(0, equals), setting.slice(equals + 1)];
    }),
  );
  const warm = own['--warm']?.at(-1);
  return {
    against: resolve(against, 'dist/src/main.js'),
    againstEnv,
    warmSeconds: warm === undefined ? 30 : Number(warm),
    options: parseOptions(rest),
  };
}

const percent = (ratio: number) => `${(100 * ratio).toFixed(0)}%`;
const cpuUs = (result: LoadResult) => (result.cpu ? result.cpu.serverUs.toFixed(0) : '–');

async function main(): Promise<void> {
  const { against, againstEnv, warmSeconds, options } = parseAbOptions(process.argv.slice(2));
  const database = await createBenchDatabase();
  const pool = reportPgErrors(new pg.Pool({ connectionString: database.url, max: POOL_SIZE }));
  const storageDir = await mkdtemp(join(tmpdir(), 'parley-bench-ab-'));
  const services: RunningService[] = [];
  try {
    await seed(pool, options);
    const scenarios = buildScenarios({ ...options, deepCursor: await deepCursor(pool), changeable: [] });
    const rows = [scenarios.send, scenarios.sendOneConversation];
    const env = serviceEnv(options, storageDir);
    const sides = {
      this: await startService(database.url, env),
      against: await startService(database.url, { ...env, ...againstEnv }, against),
    };
    services.push(sides.this, sides.against);
    for (const service of services) {
      for (const row of rows) await runHttpLoad(service.url, row.next, { ...options, durationSeconds: warmSeconds });
    }
    const measured = rows.map(() => ({ this: [] as LoadResult[], against: [] as LoadResult[] }));
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? (['this', 'against'] as const) : (['against', 'this'] as const);
      for (const [index, row] of rows.entries()) {
        for (const side of order) {
          const service = sides[side];
          const result = await withCpu(
            () => runHttpLoad(service.url, row.next, options),
            options.durationSeconds,
            service.cpuSeconds,
          );
          measured[index][side].push(result);
        }
        const [mine, theirs] = [measured[index].this.at(-1), measured[index].against.at(-1)];
        log(
          `round ${round + 1} ${row.name}: this ${mine?.requestsPerSecond.toFixed(0)}, against ${theirs?.requestsPerSecond.toFixed(0)} req/s`,
        );
      }
    }
    console.log(
      `\nThis build (dist/) against ${against}${Object.keys(againstEnv).length > 0 ? ` with ${JSON.stringify(againstEnv)}` : ''}: ${options.users.toLocaleString('en')} users, ` +
        `${options.messages.toLocaleString('en')} messages, ${options.workers} workers, ${options.loadGenerator}, ` +
        `${options.concurrency} connections, ${warmSeconds} s warm-up per row and side, ${options.rounds} alternating ` +
        `rounds of ${options.durationSeconds} s (medians; service CPU: its primary and workers, µs per request).\n`,
    );
    console.log(
      '| endpoint | this req/s | against req/s | this / against | every round | service CPU µs: this (against) |',
    );
    console.log('|---|---:|---:|---:|---|---:|');
    for (const [index, row] of rows.entries()) {
      const [mine, theirs] = [medianRound(measured[index].this), medianRound(measured[index].against)];
      const rounds = measured[index].this.map((result, round) =>
        percent(result.requestsPerSecond / measured[index].against[round].requestsPerSecond),
      );
      console.log(
        `| ${row.name} | ${mine.requestsPerSecond.toFixed(0)} | ${theirs.requestsPerSecond.toFixed(0)} | ` +
          `${percent(mine.requestsPerSecond / theirs.requestsPerSecond)} | ${rounds.join(', ')} | ` +
          `${cpuUs(mine)} (${cpuUs(theirs)}) |`,
      );
    }
  } finally {
    for (const service of services) await service.stop();
    await pool.end();
    await database.stop();
    await rm(storageDir, { recursive: true, force: true });
  }
}

void main();
