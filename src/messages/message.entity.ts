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
 * A message keeps its id and place for good: an edit changes its text, a
 * delete for everyone erases it to a tombstone (migration MessageChanges). A page of one conversation's history is read
 * through messages_conversation_idx, an expression index on the unordered
 * pair (LEAST, GREATEST) plus id, declared in the migration.
 */
@Entity('messages')
@Index('messages_conversation_idx', { synchronize: false })
@Index('messages_unread_idx', ['recipientId', 'senderId', 'id'], { where: 'read_at IS NULL AND deleted_at IS NULL' })
// GET /sync's `messages`: only messages that ever changed are in these, one per side of the conversation.
@Index('messages_sender_id_changed_xid_idx', ['senderId', 'changedXid'], { where: 'changed_xid IS NOT NULL' })
@Index('messages_recipient_id_changed_xid_idx', ['recipientId', 'changedXid'], { where: 'changed_xid IS NOT NULL' })
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

  @Column({ name: 'edited_at', type: 'timestamptz', nullable: true })
  editedAt!: Date | null;

  /** Set when deleted for everyone; the row stays as a tombstone with its text erased. */
  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;

  /** `[{emoji, user_ids}]` in order of first use; NULL when none (see MessageReaction in message.mapper.ts). */
  @Column({ type: 'jsonb', nullable: true })
  reactions!: unknown;

  /** Its files as MessageDto shows them, without URLs (see AttachmentDto); NULL when none. */
  @Column({ type: 'jsonb', nullable: true })
  attachments!: unknown;

  /** The message this one replies to, in the same conversation. Not a foreign key (see the migration). */
  @Column({ name: 'reply_to_id', type: 'bigint', nullable: true })
  replyToId!: string | null;

  /** The transaction that last edited, deleted or reacted to it (GET /sync); NULL if never changed. */
  @Column({ name: 'changed_xid', type: 'bigint', nullable: true })
  changedXid!: string | null;
}
