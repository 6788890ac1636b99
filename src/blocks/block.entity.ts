import { CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/* A user (blocker) protecting themselves from another (blocked); the migration holds the CHECK and foreign keys. */
@Entity('blocks')
@Index('blocks_blocked_id_blocker_id_idx', ['blockedId', 'blockerId'])
export class Block {
  @PrimaryColumn({ name: 'blocker_id', type: 'integer', primaryKeyConstraintName: 'blocks_pkey' })
  blockerId!: number;

  @PrimaryColumn({ name: 'blocked_id', type: 'integer', primaryKeyConstraintName: 'blocks_pkey' })
  blockedId!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
