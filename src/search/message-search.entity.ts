import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { Message } from '../messages/message.entity.js';

/**
 * What search reads: a message as one of its two users finds it (migration MessageSearch). Written only by the
 * indexer (search-indexer.ts), after the commit; removed with the message's text by the edit, the delete or the
 * erasure that changes it. The two GIN indexes (owner first, through btree_gin) are declared in the migration.
 */
@Entity('message_search')
@Index('message_search_words_idx', { synchronize: false })
@Index('message_search_trigrams_idx', { synchronize: false })
export class MessageSearch {
  @PrimaryColumn({ name: 'message_id', type: 'bigint', primaryKeyConstraintName: 'message_search_pkey' })
  messageId!: string;

  @ManyToOne(() => Message, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'message_id', foreignKeyConstraintName: 'message_search_message_id_fkey' })
  message?: Relation<Message>;

  /** The user who finds it here: its sender or its recipient. */
  @PrimaryColumn({ name: 'owner_id', type: 'integer', primaryKeyConstraintName: 'message_search_pkey' })
  ownerId!: number;

  /** The other user of the conversation (the `user_id` filter). */
  @Column({ name: 'peer_id', type: 'integer' })
  peerId!: number;

  /** The message's edited_at when indexed: a row whose message changed since is never returned. */
  @Column({ name: 'edited_at', type: 'timestamptz', nullable: true })
  editedAt!: Date | null;

  /** The text and file names, lower-cased and without accents (parley_search_text): the substring index's input. */
  @Column({ type: 'text' })
  text!: string;

  /** `to_tsvector('simple', text)`: whole words and phrases. */
  @Column({ type: 'tsvector' })
  words!: string;
}

/** A message to (re)index, noted by the triggers of migration MessageSearch in the writing transaction. */
@Entity('search_pending')
export class SearchPending {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'search_pending_pkey',
  })
  id!: string;

  @Column({ name: 'message_id', type: 'bigint' })
  messageId!: string;
}
