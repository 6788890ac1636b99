import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { User } from '../users/user.entity.js';

/*
 * One row per user and peer, written in the same statement as every message
 * between them, so the chat list never aggregates the messages table.
 * Message ids only grow, so last_message_id orders chats by latest activity.
 */
@Entity('chats')
@Index('chats_owner_id_last_message_id_idx', ['ownerId', 'lastMessageId'])
@Check('chats_unread_count_not_negative', 'unread_count >= 0')
export class Chat {
  @PrimaryColumn({ name: 'owner_id', type: 'integer', primaryKeyConstraintName: 'chats_pkey' })
  ownerId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_id', foreignKeyConstraintName: 'chats_owner_id_fkey' })
  owner?: Relation<User>;

  @Index('chats_peer_id_idx')
  @PrimaryColumn({ name: 'peer_id', type: 'integer', primaryKeyConstraintName: 'chats_pkey' })
  peerId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'peer_id', foreignKeyConstraintName: 'chats_peer_id_fkey' })
  peer?: Relation<User>;

  /** Not a foreign key, on purpose: see the initial migration. */
  @Column({ name: 'last_message_id', type: 'bigint' })
  lastMessageId!: string;

  @Column({ name: 'unread_count', type: 'integer', default: 0 })
  unreadCount!: number;
}
