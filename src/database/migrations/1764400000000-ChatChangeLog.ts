import type { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * GET /sync: which chats changed since a cursor. Every statement that writes a
 * chat row (send, send_to_all, mark read) stamps it with its transaction id
 * (`changed_xid`, pg_current_xact_id() as a bigint, since TypeORM has no xid8
 * type), and /sync reads a user's rows stamped at or above the cursor through
 * chats_owner_id_changed_xid_idx. A message id cannot be that cursor: ids are
 * drawn before commit, so a lower id can commit after a higher one has been
 * seen. Transaction ids below the oldest running transaction are all settled,
 * so that horizon is a cursor that never skips a commit (docs/realtime.md).
 *
 * `peer_read_up_to` on the owner's row: the highest of the owner's messages the
 * peer has marked read, for read receipts in /sync.
 */
export class ChatChangeLog1764400000000 implements MigrationInterface {
  name = 'ChatChangeLog1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "chats" ADD "changed_xid" bigint NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE "chats" ALTER COLUMN "changed_xid" DROP DEFAULT`);
    await queryRunner.query(`ALTER TABLE "chats" ADD "peer_read_up_to" bigint NOT NULL DEFAULT 0`);
    await queryRunner.query(`
      UPDATE "chats" c SET "peer_read_up_to" = read.up_to
        FROM (SELECT sender_id, recipient_id, max(id) AS up_to FROM messages
               WHERE read_at IS NOT NULL GROUP BY sender_id, recipient_id) read
       WHERE c.owner_id = read.sender_id AND c.peer_id = read.recipient_id`);
    await queryRunner.query(`CREATE INDEX "chats_owner_id_changed_xid_idx" ON "chats" ("owner_id", "changed_xid")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "chats_owner_id_changed_xid_idx"`);
    await queryRunner.query(`ALTER TABLE "chats" DROP COLUMN "peer_read_up_to"`);
    await queryRunner.query(`ALTER TABLE "chats" DROP COLUMN "changed_xid"`);
  }
}
