import type { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * The whole schema, index by index. Each index names the query it serves;
 * docs/performance.md shows their plans.
 */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "users" (
        "id" integer GENERATED ALWAYS AS IDENTITY NOT NULL,
        "username" character varying(32) NOT NULL,
        "email" character varying(254) NOT NULL,
        "password_hash" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "last_seen_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "users_pkey" PRIMARY KEY ("id")
      )`);
    // Case-insensitive uniqueness, enforced by the database itself (signup maps a violation to 409).
    await queryRunner.query(`CREATE UNIQUE INDEX "users_username_lower_key" ON "users" (lower("username"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "users_email_lower_key" ON "users" (lower("email"))`);

    await queryRunner.query(`
      CREATE TABLE "sessions" (
        "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
        "user_id" integer NOT NULL,
        "token_hash" bytea NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "sessions_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    // The token guard: one unique lookup per request.
    await queryRunner.query(`CREATE UNIQUE INDEX "sessions_token_hash_key" ON "sessions" ("token_hash")`);
    // The FK, and "is this user active" (a live session) for GET /users?type=active|inactive.
    await queryRunner.query(`CREATE INDEX "sessions_user_id_expires_at_idx" ON "sessions" ("user_id", "expires_at")`);

    await queryRunner.query(`
      CREATE TABLE "messages" (
        "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
        "sender_id" integer NOT NULL,
        "recipient_id" integer NOT NULL,
        "body" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "read_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "messages_not_to_self" CHECK (sender_id <> recipient_id),
        CONSTRAINT "messages_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "messages_sender_id_fkey" FOREIGN KEY ("sender_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION,
        CONSTRAINT "messages_recipient_id_fkey" FOREIGN KEY ("recipient_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`CREATE INDEX "messages_sender_id_idx" ON "messages" ("sender_id")`);
    await queryRunner.query(`CREATE INDEX "messages_recipient_id_idx" ON "messages" ("recipient_id")`);
    // GET /chat/{user_id}: a page of one conversation in either direction is a single
    // backward range scan of this index, whatever the size of the table.
    await queryRunner.query(
      `CREATE INDEX "messages_conversation_idx" ON "messages" (LEAST("sender_id", "recipient_id"), GREATEST("sender_id", "recipient_id"), "id")`,
    );
    // POST /read/{user_id}: only unread rows are in it, so marking a chat read touches only what is unread.
    await queryRunner.query(
      `CREATE INDEX "messages_unread_idx" ON "messages" ("recipient_id", "sender_id", "id") WHERE read_at IS NULL`,
    );

    await queryRunner.query(`
      CREATE TABLE "chats" (
        "owner_id" integer NOT NULL,
        "peer_id" integer NOT NULL,
        "last_message_id" bigint NOT NULL,
        "unread_count" integer NOT NULL DEFAULT '0',
        CONSTRAINT "chats_unread_count_not_negative" CHECK (unread_count >= 0),
        CONSTRAINT "chats_pkey" PRIMARY KEY ("owner_id", "peer_id"),
        CONSTRAINT "chats_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION,
        CONSTRAINT "chats_peer_id_fkey" FOREIGN KEY ("peer_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    // last_message_id is deliberately not a foreign key: it is written in the same statement as the
    // message it names, and messages are never deleted but with their users (whose chat rows cascade).
    // A foreign key would cost a lookup per chat row on every send, and an index of its own.
    await queryRunner.query(`CREATE INDEX "chats_peer_id_idx" ON "chats" ("peer_id")`);
    // GET /chat: a user's chats, newest activity first, one backward range scan.
    await queryRunner.query(
      `CREATE INDEX "chats_owner_id_last_message_id_idx" ON "chats" ("owner_id", "last_message_id")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "chats"`);
    await queryRunner.query(`DROP TABLE "messages"`);
    await queryRunner.query(`DROP TABLE "sessions"`);
    await queryRunner.query(`DROP TABLE "users"`);
  }
}
