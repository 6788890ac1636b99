/*
 * The harness's floor: GET /current_user served by a bare node:http server,
 * with no framework, the same statements and the same workers and pool size
 * as the service. It shows what any Node.js HTTP service costs on the machine
 * (parsing, sockets, JSON), so the service's gap to it is the framework's
 * share. Only what the measurement needs: no validation, no error shape.
 */
import cluster from 'node:cluster';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';
import { AUTHENTICATE, TOUCH_LAST_SEEN } from '../src/auth/session.queries.js';
import { hashToken } from '../src/auth/tokens.js';
import { reportPgErrors } from '../src/database/pg-errors.js';
import { runPrepared } from '../src/database/prepared-statements.js';

function serve(): void {
  const pool = reportPgErrors(
    new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_SIZE) }),
  );
  const answer = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.url === '/health') return void response.writeHead(200).end();
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    const [row] = await runPrepared(pool, AUTHENTICATE, [hashToken(token)]);
    if (!row) return void response.writeHead(401).end();
    if (row.last_seen_stale) await runPrepared(pool, TOUCH_LAST_SEEN, [row.user_id]);
    const body = JSON.stringify({
      id: row.user_id,
      username: row.username,
      email: row.email,
      created_at: row.created_at,
    });
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  };
  createServer((request, response) => void answer(request, response)).listen(Number(process.env.PORT));
  process.once('SIGTERM', () => void pool.end().then(() => process.exit(0)));
}

const workers = Number(process.env.WEB_CONCURRENCY ?? 1);
if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; i++) cluster.fork();
  process.once('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    cluster.on('exit', () => Object.keys(cluster.workers ?? {}).length === 0 && process.exit(0));
  });
} else {
  serve();
}
