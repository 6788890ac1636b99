import type { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * GET /chat reads a page of one user's chats, newest first. With the chat
 * columns in the index, that page is an index-only backward scan that stops
 * after `limit` entries, whether the user has 20 chats or 100 000 (after a
 * send_to_all). Without them, the planner's generic plan read all of a user's
 * chats through chats_pkey and sorted them. The price: marking a chat read
 * changes an indexed column, so that update is no longer HOT.
 */
export class ChatListIndexOnly1764300000000 implements MigrationInterface {
  name = 'ChatListIndexOnly1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "chats_owner_id_last_message_id_idx"`);
    await queryRunner.query(
      `CREATE INDEX "chats_owner_id_last_message_id_idx" ON "chats" ("owner_id", "last_message_id") INCLUDE ("peer_id", "unread_count")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "chats_owner_id_last_message_id_idx"`);
    await queryRunner.query(
      `CREATE INDEX "chats_owner_id_last_message_id_idx" ON "chats" ("owner_id", "last_message_id")`,
    );
  }
}
