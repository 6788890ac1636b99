/*
 * `npm run bench:export [-- --messages N]` (default 1 000 000)
 * Seeds one user with N messages (half sent, half received, ~200 characters each), starts the built service
 * against them, downloads GET /current_user/export over HTTP as fast as it comes (counting bytes, keeping none),
 * and prints the service's RSS before, at its peak and after, and the throughput. The export streams from a
 * cursor, so the peak should not grow with N (docs/performance.md).
 */
import 'reflect-metadata';
import pg from 'pg';
import { hashToken } from '../src/auth/tokens.js';
import { reportPgErrors } from '../src/database/pg-errors.js';
import { createBenchDatabase } from './database.js';
import { benchToken, insertUsers } from './seed.js';
import { startService } from './service.js';

const log = (line: string) => console.log(`[bench:export] ${line}`);

function messagesOption(): number {
  const index = process.argv.indexOf('--messages');
  return index === -1 ? 1_000_000 : Number(process.argv[index + 1]);
}

async function main(): Promise<void> {
  const count = messagesOption();
  const database = await createBenchDatabase('parley_bench_export');
  const pool = reportPgErrors(new pg.Pool({ connectionString: database.url, max: 1 }));
  try {
    const seeded = performance.now();
    await insertUsers(pool, 1, 2, 'not a usable hash');
    await pool.query(
      `INSERT INTO sessions (user_id, token_hash, expires_at) VALUES (1, $1, now() + interval '1 day')`,
      [hashToken(benchToken(1))],
    );
    await pool.query(
      `INSERT INTO messages (sender_id, recipient_id, body)
       SELECT 1 + i % 2, 2 - i % 2, repeat(md5(i::text), 6) FROM generate_series(1, $1::int) i`,
      [count],
    );
    await pool.query('VACUUM ANALYZE messages');
    log(`seeded ${count} messages in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

    const service = await startService(database.url, {}, 'dist/src/main.js', { discardStdout: true });
    try {
      const rssBefore = service.rssMiB();
      let rssPeak = rssBefore;
      const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, service.rssMiB())), 50);
      const started = performance.now();
      let bytes = 0;
      try {
        const response = await fetch(`${service.url}/current_user/export`, {
          headers: { Authorization: `Bearer ${benchToken(1)}` },
        });
        if (response.status !== 200 || !response.body) throw new Error(`export answered ${response.status}`);
        for await (const chunk of response.body) bytes += chunk.byteLength;
      } finally {
        clearInterval(sampler);
      }
      const seconds = (performance.now() - started) / 1000;
      const mib = bytes / 1024 / 1024;
      log(
        `exported ${count} messages: ${mib.toFixed(1)} MiB in ${seconds.toFixed(2)} s (${(mib / seconds).toFixed(1)} MiB/s)`,
      );
      log(
        `service RSS: before ${rssBefore.toFixed(1)} MiB, peak ${rssPeak.toFixed(1)} MiB, after ${service.rssMiB().toFixed(1)} MiB`,
      );
    } finally {
      await service.stop();
    }
  } finally {
    await pool.end();
    await database.stop();
  }
}

await main();
