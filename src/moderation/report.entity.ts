import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { User } from '../users/user.entity.js';

/*
 * A user's report of another user or one of their messages. The reported
 * username and message text are snapshots taken at report time: evidence
 * that survives an edit, a delete or an account deletion (docs/security.md).
 */
@Entity('reports')
@Index('reports_status_id_idx', ['status', 'id'])
@Index('reports_reporter_id_id_idx', ['reporterId', 'id'])
@Check('reports_reason_check', "reason IN ('spam', 'harassment', 'hate', 'sexual', 'violence', 'self_harm', 'other')")
@Check('reports_status_check', "status IN ('open', 'resolved')")
@Check('reports_resolution_check', "resolution IN ('dismiss', 'delete_message', 'suspend_user')")
export class Report {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'reports_pkey',
  })
  id!: string;

  @Column({ name: 'reporter_id', type: 'integer' })
  reporterId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'reporter_id', foreignKeyConstraintName: 'reports_reporter_id_fkey' })
  reporter?: Relation<User>;

  @Column({ name: 'reported_user_id', type: 'integer' })
  reportedUserId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'reported_user_id', foreignKeyConstraintName: 'reports_reported_user_id_fkey' })
  reportedUser?: Relation<User>;

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

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'resolved_by', foreignKeyConstraintName: 'reports_resolved_by_fkey' })
  resolver?: Relation<User>;

  @Column({ type: 'text', nullable: true })
  resolution!: 'dismiss' | 'delete_message' | 'suspend_user' | null;

  @Column({ name: 'resolution_note', type: 'text', nullable: true })
  resolutionNote!: string | null;
}
