import type { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * Safe to ship: blocks, reports and a moderation queue, roles, suspension and
 * account deletion.
 *
 * - `users.role` ('user' or 'moderator'; only the operator CLI grants it),
 *   `suspended_at` and `deleted_at`. A deleted account keeps its row (its id
 *   still names one side of its peers' conversations and keeps their unread
 *   counts exact) but nothing personal: username, email and password hash
 *   become NULL, so the case-insensitive unique indexes free them for a new
 *   signup. The CHECK makes a half-erased account impossible.
 * - `blocks`: who blocked whom; the primary key answers "did A block B", the
 *   reverse index "who blocked me" (send_to_all, presence).
 * - `reports`: what a user reported, with a snapshot of the reported message's
 *   text and the reported account's username, so evidence survives an edit, a
 *   delete or an account deletion. `reports_status_id_idx` is the queue.
 * - `moderation_actions`: the audit trail, one row per moderator action.
 *
 * `parley_assert_can_message` and `parley_unreachable_peers` are the checks of
 * every write that puts something in another user's conversation. They are
 * PL/pgSQL and VOLATILE on purpose: each query in them takes a fresh snapshot,
 * and the statements that call them do so only after taking the
 * conversation's advisory locks (message.queries.ts). A plain subquery in the
 * send statement would read the snapshot taken when the statement began,
 * before it waited on the lock, and so would miss a block committed while it
 * waited: the send would be stored after the block's 204. (A SQL-language
 * function could be inlined into the caller and lose its fresh snapshot.)
 */
export class SafetyAndAccounts1764600000000 implements MigrationInterface {
  name = 'SafetyAndAccounts1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "users" ADD "role" text NOT NULL DEFAULT 'user' CONSTRAINT "users_role_check" CHECK (role IN ('user', 'moderator'))`,
    );
    await queryRunner.query(`ALTER TABLE "users" ADD "suspended_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "users" ADD "deleted_at" TIMESTAMP WITH TIME ZONE`);
    for (const column of ['username', 'email', 'password_hash']) {
      await queryRunner.query(`ALTER TABLE "users" ALTER COLUMN "${column}" DROP NOT NULL`);
    }
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "users_erased_check" CHECK (
        CASE WHEN deleted_at IS NULL THEN username IS NOT NULL AND email IS NOT NULL AND password_hash IS NOT NULL
             ELSE username IS NULL AND email IS NULL AND password_hash IS NULL END)`,
    );
    // send_to_all skips deleted accounts; this keeps them one index scan away.
    await queryRunner.query(`CREATE INDEX "users_deleted_idx" ON "users" ("id") WHERE deleted_at IS NOT NULL`);

    await queryRunner.query(`
      CREATE TABLE "blocks" (
        "blocker_id" integer NOT NULL,
        "blocked_id" integer NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "blocks_pkey" PRIMARY KEY ("blocker_id", "blocked_id"),
        CONSTRAINT "blocks_not_self_check" CHECK (blocker_id <> blocked_id),
        CONSTRAINT "blocks_blocker_id_fkey" FOREIGN KEY ("blocker_id") REFERENCES "users"("id") ON DELETE CASCADE,
        CONSTRAINT "blocks_blocked_id_fkey" FOREIGN KEY ("blocked_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "blocks_blocked_id_blocker_id_idx" ON "blocks" ("blocked_id", "blocker_id")`);

    await queryRunner.query(`
      CREATE TABLE "reports" (
        "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
        "reporter_id" integer NOT NULL,
        "reported_user_id" integer NOT NULL,
        "reported_username" character varying(32),
        "message_id" bigint,
        "message_text" text,
        "reason" text NOT NULL,
        "details" text,
        "status" text NOT NULL DEFAULT 'open',
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "resolved_at" TIMESTAMP WITH TIME ZONE,
        "resolved_by" integer,
        "resolution" text,
        "resolution_note" text,
        CONSTRAINT "reports_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "reports_reason_check"
          CHECK (reason IN ('spam', 'harassment', 'hate', 'sexual', 'violence', 'self_harm', 'other')),
        CONSTRAINT "reports_status_check" CHECK (status IN ('open', 'resolved')),
        CONSTRAINT "reports_resolution_check" CHECK (resolution IN ('dismiss', 'delete_message', 'suspend_user')),
        CONSTRAINT "reports_reporter_id_fkey" FOREIGN KEY ("reporter_id") REFERENCES "users"("id") ON DELETE CASCADE,
        CONSTRAINT "reports_reported_user_id_fkey" FOREIGN KEY ("reported_user_id") REFERENCES "users"("id") ON DELETE CASCADE,
        CONSTRAINT "reports_resolved_by_fkey" FOREIGN KEY ("resolved_by") REFERENCES "users"("id") ON DELETE SET NULL
      )`);
    // The moderation queue: GET /moderation/reports?status= pages by id within a status.
    await queryRunner.query(`CREATE INDEX "reports_status_id_idx" ON "reports" ("status", "id")`);
    // A user's own reports (their data export).
    await queryRunner.query(`CREATE INDEX "reports_reporter_id_id_idx" ON "reports" ("reporter_id", "id")`);

    await queryRunner.query(`
      CREATE TABLE "moderation_actions" (
        "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
        "moderator_id" integer NOT NULL,
        "action" text NOT NULL,
        "report_id" bigint,
        "target_user_id" integer,
        "message_id" bigint,
        "note" text,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "moderation_actions_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "moderation_actions_action_check"
          CHECK (action IN ('dismiss', 'delete_message', 'suspend_user', 'unsuspend_user')),
        CONSTRAINT "moderation_actions_moderator_id_fkey" FOREIGN KEY ("moderator_id") REFERENCES "users"("id") ON DELETE CASCADE,
        CONSTRAINT "moderation_actions_report_id_fkey" FOREIGN KEY ("report_id") REFERENCES "reports"("id") ON DELETE CASCADE
      )`);

    // SQLSTATEs of the class 'PB' (Parley) that the services turn into 4xx (src/common/postgres-errors.ts).
    await queryRunner.query(`
      CREATE FUNCTION parley_assert_can_message(sender integer, recipient integer) RETURNS void
      LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        IF EXISTS (SELECT FROM users WHERE id = sender AND deleted_at IS NOT NULL) THEN
          RAISE EXCEPTION 'the sender''s account was deleted' USING ERRCODE = 'PB401';
        END IF;
        IF EXISTS (SELECT FROM users WHERE id = recipient AND deleted_at IS NOT NULL) THEN
          RAISE EXCEPTION 'the recipient''s account was deleted' USING ERRCODE = 'PB410';
        END IF;
        IF EXISTS (SELECT FROM blocks WHERE (blocker_id, blocked_id) IN ((sender, recipient), (recipient, sender))) THEN
          RAISE EXCEPTION 'a block stands between these users' USING ERRCODE = 'PB403';
        END IF;
      END $$`);
    // Who a user's send_to_all must skip: either side of a block (by_block, so the live announcement skips them
    // too), and deleted accounts. A sender deleted while the broadcast waited for its lock sends nothing.
    await queryRunner.query(`
      CREATE FUNCTION parley_unreachable_peers(sender integer) RETURNS TABLE (user_id integer, by_block boolean)
      LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        IF EXISTS (SELECT FROM users WHERE id = sender AND deleted_at IS NOT NULL) THEN
          RAISE EXCEPTION 'the sender''s account was deleted' USING ERRCODE = 'PB401';
        END IF;
        RETURN QUERY SELECT blocked_id, true FROM blocks WHERE blocker_id = sender
               UNION SELECT blocker_id, true FROM blocks WHERE blocked_id = sender
               UNION SELECT id, false FROM users WHERE deleted_at IS NOT NULL;
      END $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION parley_unreachable_peers(integer)`);
    await queryRunner.query(`DROP FUNCTION parley_assert_can_message(integer, integer)`);
    await queryRunner.query(`DROP TABLE "moderation_actions"`);
    await queryRunner.query(`DROP TABLE "reports"`);
    await queryRunner.query(`DROP TABLE "blocks"`);
    await queryRunner.query(`DROP INDEX "users_deleted_idx"`);
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "users_erased_check"`);
    // Deleted accounts cannot survive a downgrade: their rows hold no name to restore.
    await queryRunner.query(`DELETE FROM "users" WHERE deleted_at IS NOT NULL`);
    for (const column of ['username', 'email', 'password_hash']) {
      await queryRunner.query(`ALTER TABLE "users" ALTER COLUMN "${column}" SET NOT NULL`);
    }
    for (const column of ['deleted_at', 'suspended_at', 'role']) {
      await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "${column}"`);
    }
  }
}
