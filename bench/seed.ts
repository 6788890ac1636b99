/*
 * Set-based seeding: a million messages in seconds, not hours. Users get ids
 * 1..N; user 1 is the "hot" user with `hotChats` chats, one of which (with
 * user 2) holds `hotChatMessages` messages. Half the users (the even ids, and
 * user 1) have a session whose token benchToken(id) can be derived again in JS.
 */
import { hash } from '@node-rs/argon2';
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { CURRENT_XID } from '../src/database/transaction-stamp.js';

export const HOT_USER = 1;
export const HOT_PEER = 2;

/** The token of a seeded session; the SQL below derives the same string. */
export function benchToken(userId: number): string {
  return createHash('sha256').update(`bench-token-${userId}`).digest('base64url');
}

const TOKEN_SQL = `rtrim(translate(encode(sha256(convert_to('bench-token-' || u.id, 'UTF8')), 'base64'), '+/', '-_'), '=')`;

export interface SeedSize {
  users: number;
  messages: number;
  hotChats: number;
  hotChatMessages: number;
}

export async function insertUsers(pool: pg.Pool, fromId: number, toId: number, passwordHash: string): Promise<void> {
  await pool.query(
    `INSERT INTO users (id, username, email, password_hash, created_at, last_seen_at)
     OVERRIDING SYSTEM VALUE
     SELECT g, 'user_' || g, 'user_' || g || '@example.com', $3, now() - interval '30 days', now() - (g % 1000) * interval '1 minute'
       FROM generate_series($1::int, $2::int) g`,
    [fromId, toId, passwordHash],
  );
  await pool.query(`SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users))`);
}

export async function seed(pool: pg.Pool, size: SeedSize): Promise<void> {
  await pool.query('TRUNCATE chats, messages, sessions, users RESTART IDENTITY');
  await insertUsers(pool, 1, size.users, await hash('bench password'));

  const hotChatMessages = Math.min(size.hotChatMessages, size.messages);
  const otherHotChats = Math.min(size.hotChats - 1, size.users - 2);
  const perOtherHotChat = 5;
  const randomMessages = Math.max(0, size.messages - hotChatMessages - otherHotChats * perOtherHotChat);

  // Messages in id order = time order; about one in five is still unread.
  await pool.query(
    `INSERT INTO messages (sender_id, recipient_id, body, created_at, read_at)
     SELECT s, r, 'message ' || n, now() - interval '1 day' + n * interval '1 millisecond',
            CASE WHEN random() < 0.8 THEN now() END
       FROM (
         SELECT n, CASE WHEN n % 2 = 0 THEN $1::int ELSE $2::int END AS s,
                   CASE WHEN n % 2 = 0 THEN $2::int ELSE $1::int END AS r
           FROM generate_series(1, $3::int) n
         UNION ALL
         SELECT $3 + n, CASE WHEN n % 2 = 0 THEN $1::int ELSE 3 + n % $4::int END,
                        CASE WHEN n % 2 = 0 THEN 3 + n % $4::int ELSE $1::int END
           FROM generate_series(1, $4::int * $5::int) n
         UNION ALL
         SELECT $3 + $4 * $5 + n, s, 2 + (s - 2 + 1 + floor(random() * ($6::int - 2))::int) % ($6::int - 1)
           FROM (SELECT n, 2 + floor(random() * ($6::int - 1))::int AS s FROM generate_series(1, $7::int) n) pick
       ) planned
      ORDER BY n`,
    [HOT_USER, HOT_PEER, hotChatMessages, otherHotChats, perOtherHotChat, size.users, randomMessages],
  );

  await pool.query(
    `INSERT INTO chats (owner_id, peer_id, last_message_id, unread_count, changed_xid)
     SELECT owner_id, peer_id, max(id), count(*) FILTER (WHERE unread), ${CURRENT_XID}
       FROM (
         SELECT recipient_id AS owner_id, sender_id AS peer_id, id, read_at IS NULL AS unread FROM messages
         UNION ALL
         SELECT sender_id, recipient_id, id, false FROM messages
       ) sides
      GROUP BY owner_id, peer_id`,
  );

  await pool.query(
    `INSERT INTO sessions (user_id, token_hash, expires_at)
     SELECT u.id, sha256(convert_to(${TOKEN_SQL}, 'UTF8')), now() + interval '30 days'
       FROM users u WHERE u.id % 2 = 0 OR u.id = $1`,
    [HOT_USER],
  );
  await pool.query('VACUUM ANALYZE');
  // Write the seed's dirty pages out now: otherwise the checkpointer spends the first minutes of measurement
  // flushing them, and whichever endpoint is measured then pays (one run's first baseline lost half its rate).
  await pool.query('CHECKPOINT');
}

/** A message id 100 messages into the hot chat: the `before` cursor of a deep history page. */
export async function deepCursor(db: Pick<pg.ClientBase, 'query'>): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM messages m
      WHERE LEAST(m.sender_id, m.recipient_id) = $1 AND GREATEST(m.sender_id, m.recipient_id) = $2
      ORDER BY id OFFSET 100 LIMIT 1`,
    [HOT_USER, HOT_PEER],
  );
  return rows[0]?.id ?? '1';
}
