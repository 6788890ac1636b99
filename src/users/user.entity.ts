import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/* Usernames and emails are unique regardless of case; the expression indexes live in the migration. */
@Entity('users')
@Index('users_username_lower_key', { synchronize: false })
@Index('users_email_lower_key', { synchronize: false })
@Index('users_deleted_idx', { synchronize: false })
@Check('users_role_check', "role IN ('user', 'moderator')")
@Check(
  'users_erased_check',
  `CASE WHEN deleted_at IS NULL THEN username IS NOT NULL AND email IS NOT NULL AND password_hash IS NOT NULL
             ELSE username IS NULL AND email IS NULL AND password_hash IS NULL END`,
)
export class User {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS', primaryKeyConstraintName: 'users_pkey' })
  id!: number;

  /** NULL once the account is deleted (erased, and free for a new signup); users_erased_check. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  username!: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash!: string | null;

  /** Only the operator CLI (`npm run cli -- moderator grant`) makes a moderator. */
  @Column({ type: 'text', default: 'user' })
  role!: 'user' | 'moderator';

  @Column({ name: 'suspended_at', type: 'timestamptz', nullable: true })
  suspendedAt!: Date | null;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz', nullable: true })
  lastSeenAt!: Date | null;
}
