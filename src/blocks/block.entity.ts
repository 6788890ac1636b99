import { Check, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { User } from '../users/user.entity.js';

/* A user (blocker) protecting themselves from another (blocked); the migration holds the CHECK and foreign keys. */
@Entity('blocks')
@Index('blocks_blocked_id_blocker_id_idx', ['blockedId', 'blockerId'])
@Check('blocks_not_self_check', 'blocker_id <> blocked_id')
export class Block {
  @PrimaryColumn({ name: 'blocker_id', type: 'integer', primaryKeyConstraintName: 'blocks_pkey' })
  blockerId!: number;

  @PrimaryColumn({ name: 'blocked_id', type: 'integer', primaryKeyConstraintName: 'blocks_pkey' })
  blockedId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'blocker_id', foreignKeyConstraintName: 'blocks_blocker_id_fkey' })
  blocker?: Relation<User>;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'blocked_id', foreignKeyConstraintName: 'blocks_blocked_id_fkey' })
  blocked?: Relation<User>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
