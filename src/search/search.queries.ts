/*
 * Search's SQL, beside its indexes (migration MessageSearch): the indexer's batch, and the search itself.
 */
import { prepared } from '../database/prepared-statements.js';
import { MESSAGE_COLUMNS, type MessageRow } from '../messages/message.mapper.js';
import type { SearchTerms } from './search-terms.js';

// An advisory lock class of its own (messages use 1 and 2): one indexer batch at a time, across all instances.
export const SEARCH_INDEX_LOCK = 3;

/*
 * Taken in a statement of its own, before the batch: the batch's snapshot is then taken after the previous batch
 * committed. Two batches side by side could otherwise each read a message as it was before the other's write
 * (an edit indexed with its old text after the new, a deleted message's row written back after its erasure).
 */
export const TRY_INDEX_LOCK = prepared<{ locked: boolean }, []>(
  'search_try_index_lock',
  `SELECT pg_try_advisory_xact_lock(${SEARCH_INDEX_LOCK}, 0) AS locked`,
);

/**
 * The CTEs `source` (the messages of `which` that still have text to find, with that text normalised) and
 * `indexed` (their rows written for both users, an erased account left out). The indexer's batch and the
 * benchmark's bulk load of a seeded history both build rows through this.
 */
export const writeSearchRows = (which: string) => `source AS MATERIALIZED (
    SELECT m.id, m.sender_id, m.recipient_id, m.edited_at,
           parley_search_text(concat_ws(' ', m.body,
             (SELECT string_agg(f->>'name', ' ') FROM jsonb_array_elements(m.attachments) f))) AS text
      FROM messages m
     WHERE ${which} AND m.deleted_at IS NULL
  ), normalised AS MATERIALIZED (
    -- Once a message, not once a row: each message has two rows.
    SELECT s.*, to_tsvector('simple', s.text) AS words FROM source s
  ), indexed AS (
    INSERT INTO message_search (message_id, owner_id, peer_id, edited_at, text, words)
    SELECT s.id, o.owner_id, o.peer_id, s.edited_at, s.text, s.words
      FROM normalised s CROSS JOIN LATERAL (VALUES (s.sender_id, s.recipient_id), (s.recipient_id, s.sender_id)) o(owner_id, peer_id)
     -- An erased account finds nothing: what it received stays only its senders'.
     WHERE NOT EXISTS (SELECT FROM users u WHERE u.id = o.owner_id AND u.deleted_at IS NOT NULL)
    ON CONFLICT (message_id, owner_id) DO UPDATE
       SET edited_at = EXCLUDED.edited_at, text = EXCLUDED.text, words = EXCLUDED.words
    RETURNING 1
  )`;

/**
 * One batch of the indexer: takes up to `$1` noted messages, writes both users' rows of each that still has text
 * to find, and deletes the rows of each deleted since it was noted (a row written by a batch that read the message
 * before its delete committed).
 */
export const INDEX_BATCH = prepared<{ claimed: number; indexed: number }, [batchSize: number]>(
  'search_index_batch',
  `WITH claimed AS (
    DELETE FROM search_pending
     WHERE id IN (SELECT id FROM search_pending ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
    RETURNING message_id
  ), ${writeSearchRows('m.id IN (SELECT message_id FROM claimed)')}, erased AS (
    -- An array, so the rows are found through the primary key: written as IN over the CTEs, the planner scanned
    -- the whole table in every batch (18 ms at 70 000 rows, and growing with the table).
    DELETE FROM message_search
     WHERE message_id = ANY (ARRAY(SELECT message_id FROM claimed EXCEPT SELECT id FROM source))
  )
  SELECT (SELECT count(*) FROM claimed)::int AS claimed, (SELECT count(*) FROM indexed)::int AS indexed`,
);

/** A term as a LIKE pattern that finds it anywhere: normalised as the index is, its wildcards escaped. */
const anywhere = (parameter: string) =>
  `'%' || replace(replace(replace(parley_search_text(${parameter}), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'`;

/**
 * A page of the caller's matches, newest first. Every condition is on the caller's own rows (`owner_id` is the
 * first column of both GIN indexes). A row is returned only while its message is as it was indexed: not deleted,
 * not edited since, so an old text is never found between a change and its reindexing. The statement's text
 * depends only on how many terms of each kind there are; the terms themselves are parameters.
 *
 * The shape is deliberate: the matches are sorted first (ids only), and each is then looked up in `messages` one
 * at a time (LATERAL with LIMIT, which the planner cannot turn into a join) until the page is full. Written as a
 * plain join, the planner misjudged the edited_at check, joined every match (a seq scan of messages, a hash
 * join) and only then sorted: 94 ms against 11 ms for a common word's page on 660 000 messages.
 */
export function searchStatement(
  terms: SearchTerms,
  callerId: number,
  peerId: number | null,
  before: string,
  limit: number,
): { text: string; values: unknown[] } {
  const values: unknown[] = [callerId, peerId, before, limit];
  const parameter = (value: string) => `$${values.push(value)}`;
  const conditions = [
    ...terms.substrings.map((term) => `s.text LIKE ${anywhere(parameter(term))}`),
    ...terms.words.map((term) => `s.words @@ plainto_tsquery('simple', parley_search_text(${parameter(term)}))`),
    ...terms.phrases.map((term) => `s.words @@ phraseto_tsquery('simple', parley_search_text(${parameter(term)}))`),
  ];
  const text = `SELECT ${MESSAGE_COLUMNS}
    FROM (SELECT s.message_id, s.edited_at FROM message_search s
           WHERE s.owner_id = $1 AND ($2::int IS NULL OR s.peer_id = $2) AND s.message_id < $3::bigint
             AND ${conditions.join(' AND ')}
           ORDER BY s.message_id DESC OFFSET 0) s
   CROSS JOIN LATERAL (SELECT * FROM messages m
                        WHERE m.id = s.message_id AND m.deleted_at IS NULL AND m.edited_at IS NOT DISTINCT FROM s.edited_at
                        LIMIT 1) m
   ORDER BY s.message_id DESC
   LIMIT $4`;
  return { text, values };
}

export type SearchRow = MessageRow;
