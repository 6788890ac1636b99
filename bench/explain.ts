/*
 * `node dist-bench/bench/explain.js` (DATABASE_URL: a seeded bench database, e.g. after `npm run bench`)
 * EXPLAIN ANALYZE of every hot statement, as a pooled connection runs it: prepared, and executed
 * past PostgreSQL's first five custom plans, so what is shown is the cached generic plan.
 * Writes are rolled back: each warm-up execution to a savepoint, so the explained one finds the data as it was
 * and does what a request would (an edit, a delete, a reaction, not the no-op a repeat of it is), and the
 * explained one with its transaction. Output: bench/results/explain.md, quoted in docs/performance.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { AUTHENTICATE } from '../src/auth/session.queries.js';
import { hashToken } from '../src/auth/tokens.js';
import { LIST_CHATS, MARK_READ, NEWER_PAGE, OLDER_PAGE, SYNC_MESSAGES } from '../src/chats/chat.queries.js';
import { MAX_BIGINT } from '../src/common/keyset-page.js';
import { reportPgErrors } from '../src/database/pg-errors.js';
import type { PreparedStatement } from '../src/database/prepared-statements.js';
import { ADD_REACTION, BROADCAST, DELETE, EDIT, SEND } from '../src/messages/message.queries.js';
import { LIST_USERS } from '../src/users/user.queries.js';
import { benchToken, deepCursor, HOT_PEER, HOT_USER } from './seed.js';

const PAGE = 51;
const QUIET_PEER = 3;
const NO_BOUND = String(MAX_BIGINT);
/** MAX_REACTIONS_PER_USER (src/messages/messages.service.ts), as the service passes it. */
const MAX_REACTIONS_PER_USER = 20;
/** The plans as a deployment without Web Push or webhooks runs them (the outbox steps are `WHERE false`). */
const OUTBOX = false;

/** An emoji the seed puts on no message (it uses 👍 and ❤️), so the explained ADD_REACTION adds it. */
const NEW_EMOJI = '\u{1F680}';

async function explain<Params extends readonly unknown[]>(
  client: pg.Client,
  statement: PreparedStatement<unknown, Params>,
  values: Params,
): Promise<string> {
  await client.query('BEGIN');
  try {
    const parameters = values.map((_, i) => `$${i + 1}`).join(', ');
    await client.query(`PREPARE explained AS ${statement.text}`);
    // EXECUTE takes literals; format them through a parameterised SELECT.
    const { rows } = await client.query<{ literals: string }>(
      `SELECT concat_ws(', ', ${values.map((_, i) => `quote_nullable($${i + 1})`).join(', ')}) AS literals`,
      // bytea as its hex text form, so it survives the trip through a text literal.
      values.map((value) => (Buffer.isBuffer(value) ? `\\x${value.toString('hex')}` : value)),
    );
    for (let run = 0; run < 6; run++) {
      await client.query('SAVEPOINT warm_up');
      await client.query(`EXECUTE explained(${rows[0].literals})`);
      await client.query('ROLLBACK TO SAVEPOINT warm_up');
    }
    const plan = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS, WAL, COSTS OFF) EXECUTE explained(${rows[0].literals})`,
    );
    return `-- ${statement.name}(${parameters})\n${plan.rows.map((row) => row['QUERY PLAN']).join('\n')}`;
  } finally {
    await client.query('ROLLBACK');
    // PREPARE is not undone by ROLLBACK.
    await client.query('DEALLOCATE ALL');
  }
}

async function main(): Promise<void> {
  const client = reportPgErrors(new pg.Client({ connectionString: process.env.DATABASE_URL }));
  await client.connect();
  try {
    const { rows } = await client.query<{ messages: string }>('SELECT count(*) AS messages FROM messages');
    const deep = await deepCursor(client);
    // The hot user's newest message to the hot peer (unread if one is: a delete then lowers the count), and one
    // the seed put reactions on (an added reaction joins an array).
    const { rows: targets } = await client.query<{ newest: string; reacted: string | null }>(
      `SELECT (SELECT id FROM messages WHERE sender_id = $1 AND recipient_id = $2 ORDER BY read_at IS NULL DESC, id DESC LIMIT 1) AS newest,
              (SELECT max(id) FROM messages WHERE sender_id = $1 AND recipient_id = $2 AND reactions IS NOT NULL) AS reacted`,
      [HOT_USER, HOT_PEER],
    );
    const { newest, reacted } = targets[0];
    const oldest = await client.query<{ id: string }>(
      `SELECT min(id) AS id FROM messages WHERE LEAST(sender_id, recipient_id) = $1 AND GREATEST(sender_id, recipient_id) = $2`,
      [HOT_USER, HOT_PEER],
    );
    const plans = [
      await explain(client, AUTHENTICATE, [hashToken(benchToken(HOT_PEER))]),
      await explain(client, LIST_USERS.active, ['0', HOT_USER, PAGE]),
      await explain(client, LIST_CHATS, [HOT_USER, NO_BOUND, PAGE]),
      await explain(client, OLDER_PAGE, [HOT_USER, HOT_PEER, NO_BOUND, PAGE]),
      await explain(client, OLDER_PAGE, [HOT_USER, HOT_PEER, deep, PAGE]),
      await explain(client, NEWER_PAGE, [HOT_USER, HOT_PEER, oldest.rows[0].id, PAGE]),
      await explain(client, SEND, [HOT_USER, QUIET_PEER, 'explained message', null, null, OUTBOX]),
      await explain(client, MARK_READ, [HOT_USER, HOT_PEER, NO_BOUND, OUTBOX]),
      await explain(client, BROADCAST, [QUIET_PEER, 'explained broadcast', OUTBOX]),
      await explain(client, EDIT, [Number(newest), HOT_USER, 'explained edit', 0, OUTBOX]),
      await explain(client, DELETE, [Number(newest), HOT_USER, 0, OUTBOX]),
      await explain(client, ADD_REACTION, [
        Number(reacted ?? newest),
        HOT_PEER,
        NEW_EMOJI,
        MAX_REACTIONS_PER_USER,
        OUTBOX,
      ]),
      // Since transaction 0: every message of the hot user's that ever changed (the seed's reactions), up to a page.
      await explain(client, SYNC_MESSAGES, [HOT_USER, '0', PAGE]),
    ];
    const report = [
      `Plans on ${Number(rows[0].messages).toLocaleString('en')} messages (node dist-bench/bench/explain.js).`,
      '',
      '```',
      plans.join('\n\n'),
      '```',
      '',
    ].join('\n');
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/explain.md', report);
    console.log(report);
  } finally {
    await client.end();
  }
}

void main();
