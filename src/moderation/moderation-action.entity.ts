import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { User } from '../users/user.entity.js';
import { Report } from './report.entity.js';

/* The audit trail: every moderator action, who took it, when, and on which report. Never updated. */
@Entity('moderation_actions')
@Check('moderation_actions_action_check', "action IN ('dismiss', 'delete_message', 'suspend_user', 'unsuspend_user')")
export class ModerationAction {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'moderation_actions_pkey',
  })
  id!: string;

  @Column({ name: 'moderator_id', type: 'integer' })
  moderatorId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'moderator_id', foreignKeyConstraintName: 'moderation_actions_moderator_id_fkey' })
  moderator?: Relation<User>;

  @Column({ type: 'text' })
  action!: 'dismiss' | 'delete_message' | 'suspend_user' | 'unsuspend_user';

  @Column({ name: 'report_id', type: 'bigint', nullable: true })
  reportId!: string | null;

  @ManyToOne(() => Report, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'report_id', foreignKeyConstraintName: 'moderation_actions_report_id_fkey' })
  report?: Relation<Report>;

  @Column({ name: 'target_user_id', type: 'integer', nullable: true })
  targetUserId!: number | null;

  @Column({ name: 'message_id', type: 'bigint', nullable: true })
  messageId!: string | null;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
