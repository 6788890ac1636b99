import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/*
 * One row per user and peer, written in the same statement as every message
 * between them, so the chat list never aggregates the messages table.
 * Message ids only grow, so last_message_id orders chats by latest activity.
 * No foreign keys, on purpose: the messages written with each row prove its
 * users exist, and a trigger on users removes the rows of a deleted user
 * (migration LeanBroadcastWrites).
 */
@Entity('chats')
// (owner_id, last_message_id) INCLUDE (peer_id, unread_count, muted_until): TypeORM cannot declare INCLUDE, the migration does.
@Index('chats_owner_id_last_message_id_idx', { synchronize: false })
@Index('chats_owner_id_changed_xid_idx', ['ownerId', 'changedXid'])
@Check('chats_unread_count_not_negative', 'unread_count >= 0')
export class Chat {
  @PrimaryColumn({ name: 'owner_id', type: 'integer', primaryKeyConstraintName: 'chats_pkey' })
  ownerId!: number;

  @PrimaryColumn({ name: 'peer_id', type: 'integer', primaryKeyConstraintName: 'chats_pkey' })
  peerId!: number;

  @Column({ name: 'last_message_id', type: 'bigint' })
  lastMessageId!: string;

  @Column({ name: 'unread_count', type: 'integer', default: 0 })
  unreadCount!: number;

  /** The id of the transaction that last wrote this row (pg_current_xact_id()): GET /sync's change log. */
  @Column({ name: 'changed_xid', type: 'bigint' })
  changedXid!: string;

  /** The highest of the owner's messages that the peer has marked read. */
  @Column({ name: 'peer_read_up_to', type: 'bigint', default: 0 })
  peerReadUpTo!: string;

  /** The owner muted this chat until then ('infinity': until unmuted): no pushes. Null: not muted. */
  @Column({ name: 'muted_until', type: 'timestamptz', nullable: true })
  mutedUntil!: Date | null;
}
