import type { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * Attachments: files sent in a conversation.
 *
 * - `attachments`: one row per upload, owned by its uploader until a send attaches it to one message
 *   (`message_id`, set once). Its id is random (uuid): an attachment's URL names nothing guessable. Its blobs live
 *   in the storage (src/attachments/storage), under keys made from the id.
 * - `messages.attachments`: what a message shows of its files (MessageDto.attachments without the URLs), written
 *   by the send as the reactions are, so no read of a page joins another table.
 * - `blob_sweep`: storage keys to delete once due. Every deletion of an attachments row (a message deleted for
 *   everyone, an account erased, an orphan swept, a user removed by a cascade) lands its keys here through the
 *   statement trigger, in the deleting transaction, so no path can drop a row and forget its files. An upload
 *   writes its keys here before its first byte, due later, and takes them out with the row's insert: a crash
 *   between the blob and the row leaves a key that is swept, never a row without its blob.
 */
export class Attachments1764800000000 implements MigrationInterface {
  name = 'Attachments1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "attachments" (
        "id" uuid NOT NULL,
        "uploader_id" integer NOT NULL,
        "message_id" bigint,
        "content_type" text NOT NULL,
        "size" bigint NOT NULL,
        "name" text NOT NULL,
        "width" integer,
        "height" integer,
        "thumbnail_size" integer,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "attachments_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "attachments_uploader_id_fkey" FOREIGN KEY ("uploader_id") REFERENCES "users"("id") ON DELETE CASCADE,
        CONSTRAINT "attachments_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE INDEX "attachments_message_id_idx" ON "attachments" ("message_id") WHERE "message_id" IS NOT NULL`,
    );
    // The orphan sweep's scan: uploads never attached, oldest first.
    await queryRunner.query(
      `CREATE INDEX "attachments_unattached_idx" ON "attachments" ("created_at") WHERE "message_id" IS NULL`,
    );
    await queryRunner.query(`CREATE INDEX "attachments_uploader_id_idx" ON "attachments" ("uploader_id")`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "attachments" jsonb`);
    await queryRunner.query(`
      CREATE TABLE "blob_sweep" (
        "key" text NOT NULL,
        "due_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "blob_sweep_pkey" PRIMARY KEY ("key")
      )`);
    await queryRunner.query(`CREATE INDEX "blob_sweep_due_at_idx" ON "blob_sweep" ("due_at")`);
    // The keys of an attachment: its file and its thumbnail (src/attachments/blob-keys.ts makes the same).
    await queryRunner.query(`
      CREATE FUNCTION parley_sweep_attachment_blobs() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO blob_sweep (key, due_at)
        SELECT key, now() FROM gone, LATERAL (VALUES ('a/' || gone.id), ('a/' || gone.id || '.thumb')) k(key)
        ON CONFLICT (key) DO UPDATE SET due_at = now();
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER "attachments_sweep_blobs" AFTER DELETE ON "attachments"
      REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION parley_sweep_attachment_blobs()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "attachments_sweep_blobs" ON "attachments"`);
    await queryRunner.query(`DROP FUNCTION parley_sweep_attachment_blobs()`);
    await queryRunner.query(`DROP TABLE "blob_sweep"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "attachments"`);
    await queryRunner.query(`DROP TABLE "attachments"`);
  }
}
