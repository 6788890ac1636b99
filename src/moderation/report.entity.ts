import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/*
 * A user's report of another user or one of their messages. The reported
 * username and message text are snapshots taken at report time: evidence
 * that survives an edit, a delete or an account deletion (docs/security.md).
 */
@Entity('reports')
@Index('reports_status_id_idx', ['status', 'id'])
@Index('reports_reporter_id_id_idx', ['reporterId', 'id'])
export class Report {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'reports_pkey',
  })
  id!: string;

  @Column({ name: 'reporter_id', type: 'integer' })
  reporterId!: number;

  @Column({ name: 'reported_user_id', type: 'integer' })
  reportedUserId!: number;

  @Column({ name: 'reported_username', type: 'varchar', length: 32, nullable: true })
  reportedUsername!: string | null;

  @Column({ name: 'message_id', type: 'bigint', nullable: true })
  messageId!: string | null;

  @Column({ name: 'message_text', type: 'text', nullable: true })
  messageText!: string | null;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'text', nullable: true })
  details!: string | null;

  @Column({ type: 'text', default: 'open' })
  status!: 'open' | 'resolved';

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;

  @Column({ name: 'resolved_by', type: 'integer', nullable: true })
  resolvedBy!: number | null;

  @Column({ type: 'text', nullable: true })
  resolution!: 'dismiss' | 'delete_message' | 'suspend_user' | null;

  @Column({ name: 'resolution_note', type: 'text', nullable: true })
  resolutionNote!: string | null;
}
