/*
 * Set-based seeding: a million messages in seconds, not hours. Users get ids
 * 1..N; user 1 is the "hot" user with `hotChats` chats, one of which (with
 * user 2) holds `hotChatMessages` messages, a few percent of them replies and a few with reactions.
 * Half the users (the even ids, and user 1) have a session whose token benchToken(id) can be derived again in JS.
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
  await pool.query(
    'TRUNCATE chats, attachments, blob_sweep, message_search, search_pending, messages, sessions, blocks, moderation_actions, reports, outbox, push_subscriptions, users RESTART IDENTITY',
  );
  await insertUsers(pool, 1, size.users, await hash('bench password'));

  const hotChatMessages = Math.min(size.hotChatMessages, size.messages);
  const otherHotChats = Math.min(size.hotChats - 1, size.users - 2);
  const perOtherHotChat = 5;
  const randomMessages = Math.max(0, size.messages - hotChatMessages - otherHotChats * perOtherHotChat);

  // The seeded history is not left to the indexer: the full run keeps it out of the search index (the service
  // indexes only what it is sent while measured: the cost a send brings), and the growth run's search rows index
  // it in bulk (bench/search.ts). So the trigger that notes each new message for the indexer is off meanwhile.
  await pool.query('ALTER TABLE messages DISABLE TRIGGER messages_search_sent');
  // Messages in id order = time order; about one in five is still unread. One in ten has a word search finds in
  // many (bench/search.ts: the common word is common in the whole table, not only in one user's messages).
  await pool.query(
    `INSERT INTO messages (sender_id, recipient_id, body, created_at, read_at)
     SELECT s, r, 'message ' || n || CASE WHEN n % 10 = 0 THEN ' meeting' ELSE '' END, now() - interval '1 day' + n * interval '1 millisecond',
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

  await pool.query('ALTER TABLE messages ENABLE TRIGGER messages_search_sent');
  await seedRepliesAndReactions(pool);

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

/** The seeded reactions: 👍 alone, or 👍 and ❤️ (stored with its emoji-presentation selector, as the API normalizes it). */
const SEEDED_EMOJI = ['\u{1F44D}', '\u2764\uFE0F'] as const;

const HOT_CHAT = (alias: string) =>
  `LEAST(${alias}.sender_id, ${alias}.recipient_id) = $1 AND GREATEST(${alias}.sender_id, ${alias}.recipient_id) = $2`;

/**
 * The measured conversation (the hot chat) as history pages now carry it: one message in 25 replies to one a little
 * earlier in it (1 to 37 back), and one in 20 has reactions (👍 by its recipient; one in 40 also ❤️ by both users),
 * sent by either user, stamped as changed the way a reaction stamps it (GET /sync). Set-based, through
 * messages_conversation_idx: 4% and 5% of the chat (400 and 500 rows at full size), milliseconds.
 */
async function seedRepliesAndReactions(pool: pg.Pool): Promise<void> {
  await pool.query(
    `UPDATE messages m SET reply_to_id = p.id
       FROM messages p
      WHERE ${HOT_CHAT('m')} AND m.id % 25 = 0
        AND p.id = m.id - 1 - m.id % 37 AND ${HOT_CHAT('p')}`,
    [HOT_USER, HOT_PEER],
  );
  await pool.query(
    `UPDATE messages m
        SET reactions = jsonb_build_array(jsonb_build_object('emoji', $3::text, 'user_ids', jsonb_build_array(m.recipient_id)))
                        || CASE WHEN m.id % 80 IN (7, 16)
                                THEN jsonb_build_array(jsonb_build_object('emoji', $4::text,
                                       'user_ids', jsonb_build_array(m.recipient_id, m.sender_id)))
                                ELSE '[]' END,
            changed_xid = ${CURRENT_XID}
      WHERE ${HOT_CHAT('m')} AND m.id % 40 IN (7, 16)`,
    [HOT_USER, HOT_PEER, ...SEEDED_EMOJI],
  );
}

/**
 * Messages whose sender has a session, outside the hot user's chats (the rows that the reads measure), for the
 * edit and reaction rows: `limit` of them, picked at random, with their sender.
 */
export async function changeableMessages(
  db: Pick<pg.ClientBase, 'query'>,
  limit: number,
): Promise<{ id: string; sender_id: number }[]> {
  const { rows } = await db.query<{ id: string; sender_id: number }>(
    `SELECT id, sender_id FROM messages
      WHERE sender_id % 2 = 0 AND recipient_id <> $1 AND deleted_at IS NULL
      ORDER BY random() LIMIT $2`,
    [HOT_USER, limit],
  );
  return rows;
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
