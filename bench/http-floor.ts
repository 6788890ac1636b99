/*
 * The harness's floors: a bare node:http server with no framework and the same
 * workers and pool size as the service. It shows what any Node.js HTTP service
 * costs on the machine (parsing, sockets, JSON), so the service's gap to it is
 * the framework's share (and, for writes, the schema's). Only what the
 * measurement needs: no validation beyond the shape, no error shape.
 *
 * - GET /current_user: the service's own token lookup and profile.
 * - POST /send: what the prototype Parley replaced does per send, a token
 *   lookup by key and one INSERT into a table with only a primary key (no
 *   other index, no foreign key, no chat rows, no locks). A send's share of
 *   it is what the service pays for its indexes, chat rows, ordering and
 *   framework together.
 */
import cluster from 'node:cluster';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';
import { AUTHENTICATE, TOUCH_LAST_SEEN } from '../src/auth/session.queries.js';
import { hashToken } from '../src/auth/tokens.js';
import { isoTimestamp } from '../src/database/iso-timestamp.js';
import { reportPgErrors } from '../src/database/pg-errors.js';
import { prepared, runPrepared } from '../src/database/prepared-statements.js';

// Created by the primary before any worker serves; the bench database is dropped after every run.
const CREATE_FLOOR_MESSAGES = `CREATE TABLE IF NOT EXISTS floor_messages (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sender_id integer NOT NULL,
  recipient_id integer NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
)`;

const FLOOR_SEND = prepared<{ id: string; created_at: string }, [senderId: number, recipientId: number, text: string]>(
  'floor_send',
  `INSERT INTO floor_messages (sender_id, recipient_id, body) VALUES ($1, $2, $3)
   RETURNING id, ${isoTimestamp('created_at')} AS created_at`,
);

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

function json(response: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}

function serve(): void {
  const pool = reportPgErrors(
    new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_SIZE) }),
  );
  const answer = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.url === '/health') return void response.writeHead(200).end();
    const body = request.method === 'POST' ? await readBody(request) : '';
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    const [row] = await runPrepared(pool, AUTHENTICATE, [hashToken(token)]);
    if (!row) return void response.writeHead(401).end();
    if (row.last_seen_stale) await runPrepared(pool, TOUCH_LAST_SEEN, [row.user_id]);
    if (request.method === 'POST' && request.url === '/send') {
      const { user_id: recipientId, message } = JSON.parse(body) as { user_id: unknown; message: unknown };
      if (typeof recipientId !== 'number' || typeof message !== 'string') return void response.writeHead(400).end();
      const [sent] = await runPrepared(pool, FLOOR_SEND, [row.user_id, recipientId, message]);
      return json(response, 201, {
        id: Number(sent.id),
        sender_id: row.user_id,
        recipient_id: recipientId,
        message,
        created: sent.created_at,
        read: false,
        read_at: null,
      });
    }
    json(response, 200, { id: row.user_id, username: row.username, email: row.email, created_at: row.created_at });
  };
  createServer((request, response) => void answer(request, response)).listen(Number(process.env.PORT));
  process.once('SIGTERM', () => void pool.end().then(() => process.exit(0)));
}

async function createFloorTable(): Promise<void> {
  const client = reportPgErrors(new pg.Client({ connectionString: process.env.DATABASE_URL }));
  await client.connect();
  await client.query(CREATE_FLOOR_MESSAGES);
  await client.end();
}

async function main(): Promise<void> {
  const workers = Number(process.env.WEB_CONCURRENCY ?? 1);
  if (cluster.isPrimary) await createFloorTable();
  if (cluster.isPrimary && workers > 1) {
    for (let i = 0; i < workers; i++) cluster.fork();
    process.once('SIGTERM', () => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
      cluster.on('exit', () => Object.keys(cluster.workers ?? {}).length === 0 && process.exit(0));
    });
  } else {
    serve();
  }
}

void main();
