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
 * Messages are append-only. A page of one conversation's history is read
 * through messages_conversation_idx, an expression index on the unordered
 * pair (LEAST, GREATEST) plus id, declared in the migration.
 */
@Entity('messages')
@Index('messages_conversation_idx', { synchronize: false })
@Index('messages_unread_idx', ['recipientId', 'senderId', 'id'], { where: 'read_at IS NULL' })
// Unique per sender (NULL keys never collide); it is also the sender foreign key's index.
@Index('messages_sender_id_client_key_key', ['senderId', 'clientKey'], { unique: true })
@Check('messages_not_to_self', 'sender_id <> recipient_id')
export class Message {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'messages_pkey',
  })
  id!: string;

  @Column({ name: 'sender_id', type: 'integer' })
  senderId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'sender_id', foreignKeyConstraintName: 'messages_sender_id_fkey' })
  sender?: Relation<User>;

  @Index('messages_recipient_id_idx')
  @Column({ name: 'recipient_id', type: 'integer' })
  recipientId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'recipient_id', foreignKeyConstraintName: 'messages_recipient_id_fkey' })
  recipient?: Relation<User>;

  @Column({ type: 'text' })
  body!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'read_at', type: 'timestamptz', nullable: true })
  readAt!: Date | null;

  /** The sender's Idempotency-Key (or client_id) for this message, if it sent one. */
  @Column({ name: 'client_key', type: 'varchar', length: 200, nullable: true })
  clientKey!: string | null;
}
