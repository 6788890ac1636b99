import type { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * Messages change: edits, deletes for everyone, reactions and replies.
 *
 * Every new column is nullable with no default, so adding it rewrites nothing
 * and a row that never changes (nearly all of them, and every row a
 * send_to_all writes) stores only its null bits:
 * - `edited_at`, `deleted_at`: when; a deleted message keeps its row as a
 *   tombstone (ids, cursors and `after=` stay stable) with its text erased.
 * - `reactions`: jsonb `[{emoji, user_ids}]` in order of first use, NULL when
 *   none. In the row, not a table: a history page carries its reactions with
 *   no extra lookup, and the row is bounded (two users, at most 20 each).
 * - `reply_to_id`: the parent, always in the same conversation, so a user's
 *   deletion removes both together. Not a foreign key: that would be one more
 *   trigger per row on every send_to_all, to guard what cannot happen.
 * - `changed_xid`: the transaction that last changed the message (GET /sync's
 *   `messages`, like chats.changed_xid), NULL for a message never changed;
 *   the partial indexes hold only changed messages, one per side of the
 *   conversation.
 *
 * messages_unread_idx leaves out deleted messages: a deleted message no longer
 * counts as unread, and marking a chat read never touches it.
 */
export class MessageChanges1764500000000 implements MigrationInterface {
  name = 'MessageChanges1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "messages" ADD "edited_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "deleted_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "reactions" jsonb`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "reply_to_id" bigint`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "changed_xid" bigint`);
    await queryRunner.query(
      `CREATE INDEX "messages_sender_id_changed_xid_idx" ON "messages" ("sender_id", "changed_xid") WHERE changed_xid IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "messages_recipient_id_changed_xid_idx" ON "messages" ("recipient_id", "changed_xid") WHERE changed_xid IS NOT NULL`,
    );
    await queryRunner.query(`DROP INDEX "messages_unread_idx"`);
    await queryRunner.query(
      `CREATE INDEX "messages_unread_idx" ON "messages" ("recipient_id", "sender_id", "id") WHERE read_at IS NULL AND deleted_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "messages_unread_idx"`);
    await queryRunner.query(
      `CREATE INDEX "messages_unread_idx" ON "messages" ("recipient_id", "sender_id", "id") WHERE read_at IS NULL`,
    );
    await queryRunner.query(`DROP INDEX "messages_recipient_id_changed_xid_idx"`);
    await queryRunner.query(`DROP INDEX "messages_sender_id_changed_xid_idx"`);
    for (const column of ['changed_xid', 'reply_to_id', 'reactions', 'deleted_at', 'edited_at']) {
      await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "${column}"`);
    }
  }
}
