import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { OutboxEventType } from './outbox.js';

/**
 * An event a push or a webhook may report, written by the statement that made the change
 * (migration OfflineReach) and deleted by the drain that turns it into jobs. A reference, never content.
 */
@Entity('outbox')
export class OutboxEvent {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'outbox_pkey',
  })
  id!: string;

  @Column({ type: 'text' })
  type!: OutboxEventType;

  /** The message (created, updated, deleted; for a read, the highest one read), user or report. */
  @Column({ name: 'subject_id', type: 'bigint' })
  subjectId!: string;

  /** Who did it: the sender, the reader, the editor or deleter, the reporter. */
  @Column({ name: 'actor_id', type: 'integer', nullable: true })
  actorId!: number | null;

  /** The other user of the conversation: a message's recipient, a read message's sender. */
  @Column({ name: 'peer_id', type: 'integer', nullable: true })
  peerId!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
