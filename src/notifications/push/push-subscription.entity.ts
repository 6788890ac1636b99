import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { User } from '../../users/user.entity.js';

/**
 * A browser's PushSubscription (RFC 8030 endpoint, RFC 8291 keys), one per device (migration OfflineReach). An
 * endpoint belongs to one user at a time: registered again by another, it moves to them.
 */
@Entity('push_subscriptions')
@Unique('push_subscriptions_endpoint_key', ['endpoint'])
@Index('push_subscriptions_user_id_idx', ['userId', 'id'])
export class PushSubscription {
  @PrimaryGeneratedColumn('identity', {
    type: 'integer',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'push_subscriptions_pkey',
  })
  id!: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'push_subscriptions_user_id_fkey' })
  user?: Relation<User>;

  @Column({ type: 'text' })
  endpoint!: string;

  /** The browser's P-256 public key (base64url), the other half of each push's encryption. */
  @Column({ type: 'text' })
  p256dh!: string;

  /** The browser's 16-byte authentication secret (base64url). */
  @Column({ type: 'text' })
  auth!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
