import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/* The audit trail: every moderator action, who took it, when, and on which report. Never updated. */
@Entity('moderation_actions')
export class ModerationAction {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'moderation_actions_pkey',
  })
  id!: string;

  @Column({ name: 'moderator_id', type: 'integer' })
  moderatorId!: number;

  @Column({ type: 'text' })
  action!: 'dismiss' | 'delete_message' | 'suspend_user' | 'unsuspend_user';

  @Column({ name: 'report_id', type: 'bigint', nullable: true })
  reportId!: string | null;

  @Column({ name: 'target_user_id', type: 'integer', nullable: true })
  targetUserId!: number | null;

  @Column({ name: 'message_id', type: 'bigint', nullable: true })
  messageId!: string | null;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
