-- Issue 23, before building search: which index makes "my messages that contain X" cost what the caller's own
-- matches cost, not what everyone's do? A standalone lab on a table shaped like `messages` (id, sender, recipient,
-- text), 10 000 000 rows, 10 000 users; user 1 has 100 000 messages across 200 conversations. Words are drawn
-- from 20 000 made-up ones with a skew (a few very common, most rare), eight to a message; planted in user 1's
-- messages and elsewhere: a common word ("meeting", one message in ten, everyone's), a rare one ("zanzibar": 3 of
-- user 1's, 50 elsewhere), a prefix ("addr" of "address", one in a hundred) and an identifier ("ticket-4711-b").
--
-- Run (about 45 minutes on the 2-core machine; it creates and drops the database search_lab):
--   psql postgres://postgres@127.0.0.1:5432/postgres -c 'DROP DATABASE IF EXISTS search_lab' -c 'CREATE DATABASE search_lab'
--   psql postgres://postgres@127.0.0.1:5432/search_lab -f bench/search-lab.sql
\set ON_ERROR_STOP on
\timing on
SET maintenance_work_mem = '1GB';
SET max_parallel_maintenance_workers = 2;

CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- What is indexed and searched: lower case, accents off; `simple` then keeps every word as typed (no stemming,
-- no stop words). unaccent() is STABLE (it reads its dictionary by name); naming the dictionary makes it safe to
-- declare IMMUTABLE, which an index expression needs.
CREATE FUNCTION lab_norm(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;
CREATE FUNCTION lab_tsv(text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT to_tsvector('simple'::regconfig, lab_norm($1)) $$;

CREATE TABLE lab (id bigint NOT NULL, sender_id int NOT NULL, recipient_id int NOT NULL, body text NOT NULL);

-- Ids in time order as in messages: every hundredth is user 1's (sent when g % 200 = 0, else received), so
-- theirs are spread through the table. The planted words hit user 1's messages at the rates above too.
INSERT INTO lab
WITH vocabulary AS (SELECT array_agg(substr(md5(i::text), 1, 4 + i % 6) ORDER BY i) AS w FROM generate_series(1, 20000) i)
SELECT g,
       CASE WHEN g % 100 <> 0 THEN r.a WHEN g % 200 = 0 THEN 1 ELSE r.peer END,
       CASE WHEN g % 100 <> 0 THEN (CASE WHEN r.b >= r.a THEN r.b + 1 ELSE r.b END) WHEN g % 200 = 0 THEN r.peer ELSE 1 END,
       (SELECT string_agg(v.w[1 + floor(20000 * random() ^ 3)::int + 0 * i], ' ') FROM generate_series(1, 8 + (g % 1)) i)
         || CASE WHEN g % 10 = 3 OR g % 1000 = 0 THEN ' meeting' ELSE '' END
         || CASE WHEN g % 100 = 7 OR g % 10000 = 0 THEN ' address' ELSE '' END
         || CASE WHEN g % 10000 = 3 OR g % 2000000 = 0 THEN ' ticket-4711-b' ELSE '' END
         || CASE WHEN g % 200000 = 5 OR g IN (100, 200, 300) THEN ' Zanzíbar' ELSE '' END
  FROM vocabulary v, generate_series(1, 10000000) g,
       LATERAL (SELECT 2 + floor(random() * 9999)::int AS a, 2 + floor(random() * 9998)::int AS b,
                       2 + (g / 100) % 200 AS peer) r;
ALTER TABLE lab ADD PRIMARY KEY (id);
VACUUM ANALYZE lab;

SELECT count(*) FILTER (WHERE 1 IN (sender_id, recipient_id)) AS user_1_messages,
       count(*) FILTER (WHERE body LIKE '%meeting%') AS meeting_everyone,
       count(*) FILTER (WHERE body LIKE '%meeting%' AND 1 IN (sender_id, recipient_id)) AS meeting_user_1,
       count(*) FILTER (WHERE body LIKE '%4711%' AND 1 IN (sender_id, recipient_id)) AS ticket_user_1
  FROM lab;

-- p50 and p95 of 21 runs of a query, in ms (the first run apart: cold).
CREATE FUNCTION lab_time(label text, query text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  started timestamptz;
  runs double precision[] := '{}';
  first double precision;
  rows_found bigint;
BEGIN
  FOR i IN 0..21 LOOP
    started := clock_timestamp();
    EXECUTE 'SELECT count(*) FROM (' || query || ') q' INTO rows_found;
    IF i = 0 THEN first := extract(epoch FROM clock_timestamp() - started) * 1000;
    ELSE runs := runs || extract(epoch FROM clock_timestamp() - started) * 1000; END IF;
  END LOOP;
  RAISE NOTICE '% | rows % | first % ms | p50 % ms | p95 % ms', label, rows_found, round(first::numeric, 2),
    round((SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY r) FROM unnest(runs) r)::numeric, 2),
    round((SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY r) FROM unnest(runs) r)::numeric, 2);
END $$;

-- The first page (20, newest first) of user 1's matches.
CREATE FUNCTION lab_page(tsq text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT format($q$SELECT id FROM lab WHERE (sender_id = 1 OR recipient_id = 1)
                  AND lab_tsv(body) @@ to_tsquery('simple', %L) ORDER BY id DESC LIMIT 20$q$, tsq) $$;
CREATE FUNCTION lab_page_split(tsq text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT format($q$SELECT id FROM lab WHERE (sender_id = 1 AND lab_tsv(body) @@ to_tsquery('simple', %1$L))
                     OR (recipient_id = 1 AND lab_tsv(body) @@ to_tsquery('simple', %1$L)) ORDER BY id DESC LIMIT 20$q$, tsq) $$;
CREATE FUNCTION lab_substring_page(needle text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT format($q$SELECT id FROM lab WHERE (sender_id = 1 AND lab_norm(body) LIKE %1$L)
                     OR (recipient_id = 1 AND lab_norm(body) LIKE %1$L) ORDER BY id DESC LIMIT 20$q$, '%' || needle || '%') $$;

\echo '=== A: one GIN over everyone''s words (the naive plan), with the sender and recipient btrees'
CREATE INDEX lab_sender_idx ON lab (sender_id);
CREATE INDEX lab_recipient_idx ON lab (recipient_id);
CREATE INDEX lab_words_idx ON lab USING gin (lab_tsv(body));
SELECT pg_size_pretty(pg_relation_size('lab_words_idx')) AS words_index;
SELECT lab_time('A rare word', lab_page('zanzibar'));
-- Not timed 21 times: one page takes about 38 s here (the EXPLAIN below), and the runs did not end in 7 minutes.
SELECT lab_time('A prefix', lab_page('addr:*'));
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT id FROM lab WHERE (sender_id = 1 OR recipient_id = 1)
  AND lab_tsv(body) @@ to_tsquery('simple', 'meeting') ORDER BY id DESC LIMIT 20;

\echo '=== B: the owner in the same GIN (btree_gin): one index per side of the conversation'
DROP INDEX lab_words_idx;
CREATE INDEX lab_sender_words_idx ON lab USING gin (sender_id, lab_tsv(body));
CREATE INDEX lab_recipient_words_idx ON lab USING gin (recipient_id, lab_tsv(body));
SELECT pg_size_pretty(pg_relation_size('lab_sender_words_idx') + pg_relation_size('lab_recipient_words_idx')) AS words_indexes;
SELECT lab_time('B rare word', lab_page_split('zanzibar'));
SELECT lab_time('B common word', lab_page_split('meeting'));
SELECT lab_time('B prefix', lab_page_split('addr:*'));
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT id FROM lab
  WHERE (sender_id = 1 AND lab_tsv(body) @@ to_tsquery('simple', 'meeting'))
     OR (recipient_id = 1 AND lab_tsv(body) @@ to_tsquery('simple', 'meeting')) ORDER BY id DESC LIMIT 20;

\echo '=== B for substrings: the owner and the trigrams of the text in one GIN per side'
CREATE INDEX lab_sender_trigrams_idx ON lab USING gin (sender_id, lab_norm(body) gin_trgm_ops);
CREATE INDEX lab_recipient_trigrams_idx ON lab USING gin (recipient_id, lab_norm(body) gin_trgm_ops);
SELECT pg_size_pretty(pg_relation_size('lab_sender_trigrams_idx') + pg_relation_size('lab_recipient_trigrams_idx')) AS trigram_indexes;
SELECT lab_time('B substring 4711', lab_substring_page('4711'));
SELECT lab_time('B substring ket-4711-', lab_substring_page('ket-4711-'));
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT id FROM lab
  WHERE (sender_id = 1 AND lab_norm(body) LIKE '%4711%') OR (recipient_id = 1 AND lab_norm(body) LIKE '%4711%')
  ORDER BY id DESC LIMIT 20;

\echo '=== What the indexes cost a write: 20 000 single-row inserts, with and without them'
CREATE TABLE lab_plain (LIKE lab);
ALTER TABLE lab_plain ADD PRIMARY KEY (id);
CREATE INDEX ON lab_plain (sender_id);
CREATE INDEX ON lab_plain (recipient_id);
CREATE TABLE lab_indexed (LIKE lab INCLUDING ALL);
DO $$
DECLARE started timestamptz;
BEGIN
  started := clock_timestamp();
  FOR i IN 1..20000 LOOP
    INSERT INTO lab_plain SELECT i, 1 + i % 10000, 2 + i % 9000, body FROM lab WHERE id = i;
  END LOOP;
  RAISE NOTICE 'insert without the search indexes: % µs a row', round(extract(epoch FROM clock_timestamp() - started) * 1e6 / 20000);
  started := clock_timestamp();
  FOR i IN 1..20000 LOOP
    INSERT INTO lab_indexed SELECT i, 1 + i % 10000, 2 + i % 9000, body FROM lab WHERE id = i;
  END LOOP;
  RAISE NOTICE 'insert with the four search indexes: % µs a row', round(extract(epoch FROM clock_timestamp() - started) * 1e6 / 20000);
END $$;
