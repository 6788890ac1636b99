/*
 * `npm run bench:soak [-- --rounds 10 --seconds 30 --concurrency 16]`
 * Does the service's memory settle under sustained load, or keep growing? A
 * mixed load (current user, chat list, a history page, sends into one growing
 * conversation) in back-to-back rounds against the built service with 2
 * workers, printing req/s and the RSS of all its processes after each round.
 * Rounds that keep rising after the first are a leak; a level band is the
 * runtime's heap sizing. Run it under each Node.js version to compare them.
 */
import { parseArgs } from 'node:util';
import { createBenchDatabase } from './database.js';
import { runHttpLoad } from './load.js';
import type { HttpRequestSpec } from './load-types.js';
import { startService } from './service.js';

const log = (line: string) => console.log(`[bench:soak] ${line}`);

async function signup(url: string, username: string): Promise<{ id: number; token: string }> {
  const response = await fetch(`${url}/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      username,
      email: `${username}@example.com`,
      password_1: 'soak-pass',
      password_2: 'soak-pass',
    }),
  });
  const body = (await response.json()) as { token: string; user: { id: number } };
  return { id: body.user.id, token: body.token };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '10' },
      seconds: { type: 'string', default: '30' },
      concurrency: { type: 'string', default: '16' },
    },
  });
  const [rounds, durationSeconds, concurrency] = [values.rounds, values.seconds, values.concurrency].map(Number);
  const database = await createBenchDatabase('parley_soak');
  const service = await startService(database.url, {
    WEB_CONCURRENCY: '2',
    RATE_LIMIT_SEND_PER_USER: '1000000000',
  });
  try {
    const [me, peer] = [await signup(service.url, 'soak_me'), await signup(service.url, 'soak_peer')];
    const mix: HttpRequestSpec[] = [
      { method: 'GET', path: '/current_user', token: me.token },
      { method: 'GET', path: '/chat', token: me.token },
      { method: 'GET', path: `/chat/${peer.id}`, token: me.token },
      { method: 'POST', path: '/send', token: me.token, body: { user_id: peer.id, message: 'soak' } },
    ];
    let turn = 0;
    const next = () => mix[turn++ % mix.length];
    log(`Node.js ${process.version}, ${rounds} rounds of ${durationSeconds} s, ${concurrency} connections, 2 workers`);
    log(`RSS after start: ${service.rssMiB().toFixed(1)} MiB`);
    for (let round = 1; round <= rounds; round++) {
      const result = await runHttpLoad(service.url, next, {
        concurrency,
        durationSeconds,
        loadGenerator: 'autocannon',
      });
      log(
        `round ${round}: ${Math.round(result.requestsPerSecond)} req/s, failed ${result.failures}, ` +
          `RSS ${service.rssMiB().toFixed(1)} MiB`,
      );
    }
  } finally {
    await service.stop();
    await database.stop();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
