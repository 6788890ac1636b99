import type { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * POST /send_to_all to 100 000 users writes 100 000 messages and 200 000 chat
 * rows in one statement. EXPLAIN ANALYZE showed half its 4.4 s in row-by-row
 * foreign-key triggers, 1.4 s of them on chats alone. This migration keeps
 * every check that guards data and drops the ones that cannot fail:
 *
 * - chats lose their foreign keys (and chats_peer_id_idx, which served only
 *   one of them). A chat row is derived data, written only by the statement
 *   that writes its message, whose own foreign keys have just proved both
 *   users exist. The ON DELETE CASCADE they gave is kept by a statement-level
 *   trigger: deleting users deletes their chat rows on both sides. Every pair
 *   has both rows (owner, peer) and (peer, owner), so the trigger finds the
 *   other side through chats_pkey alone.
 * - messages_sender_id_idx folds into the idempotency index: a unique
 *   (sender_id, client_key) over all rows (NULL keys never collide) serves the
 *   sender foreign key and Idempotency-Key lookups with one index instead of two.
 */
export class LeanBroadcastWrites1764200000000 implements MigrationInterface {
  name = 'LeanBroadcastWrites1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "chats" DROP CONSTRAINT "chats_owner_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "chats" DROP CONSTRAINT "chats_peer_id_fkey"`);
    await queryRunner.query(`DROP INDEX "chats_peer_id_idx"`);
    await queryRunner.query(`
      CREATE FUNCTION delete_chats_of_deleted_users() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM chats theirs USING chats mine, deleted_users gone
         WHERE mine.owner_id = gone.id AND theirs.owner_id = mine.peer_id AND theirs.peer_id = mine.owner_id;
        DELETE FROM chats mine USING deleted_users gone WHERE mine.owner_id = gone.id;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER users_delete_chats AFTER DELETE ON "users"
      REFERENCING OLD TABLE AS deleted_users
      FOR EACH STATEMENT EXECUTE FUNCTION delete_chats_of_deleted_users()`);

    await queryRunner.query(`DROP INDEX "messages_sender_id_client_key_key"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "messages_sender_id_client_key_key" ON "messages" ("sender_id", "client_key")`,
    );
    await queryRunner.query(`DROP INDEX "messages_sender_id_idx"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "messages_sender_id_idx" ON "messages" ("sender_id")`);
    await queryRunner.query(`DROP INDEX "messages_sender_id_client_key_key"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "messages_sender_id_client_key_key" ON "messages" ("sender_id", "client_key") WHERE client_key IS NOT NULL`,
    );

    await queryRunner.query(`DROP TRIGGER "users_delete_chats" ON "users"`);
    await queryRunner.query(`DROP FUNCTION delete_chats_of_deleted_users()`);
    await queryRunner.query(`CREATE INDEX "chats_peer_id_idx" ON "chats" ("peer_id")`);
    await queryRunner.query(
      `ALTER TABLE "chats" ADD CONSTRAINT "chats_peer_id_fkey" FOREIGN KEY ("peer_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "chats" ADD CONSTRAINT "chats_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }
}
