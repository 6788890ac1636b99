import type { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * Message search (src/search, docs/search.md).
 *
 * - `message_search`: what search reads, one row per message and per user who can see it (the sender and the
 *   recipient), so every index starts with that user (`owner_id`) and a page costs the caller's own matches, never
 *   everyone's. `text` is the message and its file names, lower-cased and without accents (parley_search_text);
 *   `words` is its `simple` tsvector (no stemming, no stop words: nothing a user types is dropped or mangled).
 *   Two GIN indexes with the owner as the first column (btree_gin): `words` for whole words and phrases, and the
 *   text's trigrams for substrings of three characters or more. Measured before building: bench/search-lab.sql and
 *   docs/performance.md, "Search (issue 23)".
 * - `search_pending`: messages to index. Computing those rows costs several times the send statement itself
 *   (168 µs against 8 µs a row in the lab), so no write path does it. Triggers only note the message id here, in
 *   the writing transaction (nothing committed is missed, and nothing rolled back is noted), and the indexer
 *   (src/search/search-indexer.ts) turns batches of them into `message_search` rows after the commit.
 * - An edit or a delete for everyone (and an account's erasure, which tombstones what it sent) removes the
 *   message's rows at once, in the same transaction, and notes it again: the old text is never found after the
 *   change commits, and the new one is found once indexed. An erasure also removes the account's own rows.
 */
export class MessageSearch1764900000000 implements MigrationInterface {
  name = 'MessageSearch1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // All three are trusted extensions shipped with PostgreSQL (contrib), so a database owner may create them.
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public`);
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`);
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS btree_gin WITH SCHEMA public`);
    // unaccent(text) is only STABLE (it reads its dictionary by name); with the dictionary given as a regdictionary
    // the result never changes, which is what lets an index and a query share this normalisation.
    await queryRunner.query(`
      CREATE FUNCTION parley_search_text(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$`);
    await queryRunner.query(`
      CREATE TABLE "message_search" (
        "message_id" bigint NOT NULL,
        "owner_id" integer NOT NULL,
        "peer_id" integer NOT NULL,
        "edited_at" TIMESTAMP WITH TIME ZONE,
        "text" text NOT NULL,
        "words" tsvector NOT NULL,
        CONSTRAINT "message_search_pkey" PRIMARY KEY ("message_id", "owner_id"),
        CONSTRAINT "message_search_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE INDEX "message_search_words_idx" ON "message_search" USING gin ("owner_id", "words")`,
    );
    await queryRunner.query(
      `CREATE INDEX "message_search_trigrams_idx" ON "message_search" USING gin ("owner_id", "text" gin_trgm_ops)`,
    );
    await queryRunner.query(`
      CREATE TABLE "search_pending" (
        "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
        "message_id" bigint NOT NULL,
        CONSTRAINT "search_pending_pkey" PRIMARY KEY ("id")
      )`);
    // A statement trigger: one call per send, and one per send_to_all however many rows it writes.
    await queryRunner.query(`
      CREATE FUNCTION parley_search_note_sent() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO search_pending (message_id) SELECT id FROM sent;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER "messages_search_sent" AFTER INSERT ON "messages"
      REFERENCING NEW TABLE AS sent FOR EACH STATEMENT EXECUTE FUNCTION parley_search_note_sent()`);
    // A row trigger (a statement trigger with transition tables cannot name columns): it fires only for updates
    // that set the text (an edit, a delete for everyone, an erasure), never for reads or reactions.
    await queryRunner.query(`
      CREATE FUNCTION parley_search_note_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM message_search WHERE message_id = NEW.id;
        IF NEW.deleted_at IS NULL THEN
          INSERT INTO search_pending (message_id) VALUES (NEW.id);
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER "messages_search_changed" AFTER UPDATE OF body ON "messages"
      FOR EACH ROW WHEN (OLD.body IS DISTINCT FROM NEW.body OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at)
      EXECUTE FUNCTION parley_search_note_changed()`);
    // An erased account's own rows go with it: the messages it received stay the senders' (and findable by them),
    // but nothing of them stays findable through the account.
    await queryRunner.query(`
      CREATE FUNCTION parley_search_forget_owner() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM message_search WHERE owner_id = NEW.id;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER "users_search_erased" AFTER UPDATE OF deleted_at ON "users"
      FOR EACH ROW WHEN (OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL)
      EXECUTE FUNCTION parley_search_forget_owner()`);
    // What was sent before search existed is indexed by the same indexer, in the background.
    await queryRunner.query(
      `INSERT INTO search_pending (message_id) SELECT id FROM messages WHERE deleted_at IS NULL ORDER BY id`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "users_search_erased" ON "users"`);
    await queryRunner.query(`DROP FUNCTION parley_search_forget_owner()`);
    await queryRunner.query(`DROP TRIGGER "messages_search_changed" ON "messages"`);
    await queryRunner.query(`DROP TRIGGER "messages_search_sent" ON "messages"`);
    await queryRunner.query(`DROP FUNCTION parley_search_note_changed()`);
    await queryRunner.query(`DROP FUNCTION parley_search_note_sent()`);
    await queryRunner.query(`DROP TABLE "search_pending"`);
    await queryRunner.query(`DROP TABLE "message_search"`);
    await queryRunner.query(`DROP FUNCTION parley_search_text(text)`);
  }
}
