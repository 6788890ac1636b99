import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { User } from '../users/user.entity.js';

/**
 * An uploaded file (migration Attachments): the uploader's until a send attaches it to one message, then the two
 * users' of that conversation. Its blobs are in the storage under the keys of blob-keys.ts.
 */
@Entity('attachments')
@Index('attachments_uploader_id_idx', ['uploaderId'])
@Index('attachments_message_id_idx', ['messageId'], { where: 'message_id IS NOT NULL' })
@Index('attachments_unattached_idx', ['createdAt'], { where: 'message_id IS NULL' })
export class Attachment {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'attachments_pkey' })
  id!: string;

  @Column({ name: 'uploader_id', type: 'integer' })
  uploaderId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'uploader_id', foreignKeyConstraintName: 'attachments_uploader_id_fkey' })
  uploader?: Relation<User>;

  /** The message it was sent with; NULL until then (and swept after UPLOAD_ORPHAN_HOURS). */
  @Column({ name: 'message_id', type: 'bigint', nullable: true })
  messageId!: string | null;

  // Named, not imported: attachments sit below messages, which attach them.
  @ManyToOne('Message', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'message_id', foreignKeyConstraintName: 'attachments_message_id_fkey' })
  message?: unknown;

  /** Decided from the content, never from the client's claim. */
  @Column({ name: 'content_type', type: 'text' })
  contentType!: string;

  /** Bytes as stored (an image after its metadata was stripped). */
  @Column({ type: 'bigint' })
  size!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'integer', nullable: true })
  width!: number | null;

  @Column({ type: 'integer', nullable: true })
  height!: number | null;

  /** The thumbnail's bytes, for images (which have one); NULL: none. */
  @Column({ name: 'thumbnail_size', type: 'integer', nullable: true })
  thumbnailSize!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** A storage key waiting to be deleted once `due_at` has passed (migration Attachments). */
@Entity('blob_sweep')
@Index('blob_sweep_due_at_idx', ['dueAt'])
export class BlobSweep {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'blob_sweep_pkey' })
  key!: string;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt!: Date;
}
