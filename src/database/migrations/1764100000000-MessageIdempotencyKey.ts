import type { MigrationInterface, QueryRunner } from 'typeorm';

/* POST /send with an Idempotency-Key: the key is unique per sender, so a retried send finds the first message. */
export class MessageIdempotencyKey1764100000000 implements MigrationInterface {
  name = 'MessageIdempotencyKey1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "messages" ADD "client_key" character varying(200)`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "messages_sender_id_client_key_key" ON "messages" ("sender_id", "client_key") WHERE client_key IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."messages_sender_id_client_key_key"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "client_key"`);
  }
}
