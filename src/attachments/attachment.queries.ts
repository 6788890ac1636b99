/*
 * The statements of attachments: an upload's journal and row, who may read a file, and the sweeps. How a send
 * attaches uploads and how deletes take them away is in message.queries.ts and account.queries.ts, beside the
 * statements they are part of; every deleted row's blob keys reach blob_sweep through the migration's trigger.
 */
import { prepared } from '../database/prepared-statements.js';
import { isoTimestamp } from '../database/iso-timestamp.js';

/** An attachments row as these statements return it (bigint as a string). */
export interface AttachmentRow {
  id: string;
  uploader_id: number;
  message_id: string | null;
  content_type: string;
  size: string;
  name: string;
  width: number | null;
  height: number | null;
  thumbnail_size: number | null;
  created_at: string;
}

const ATTACHMENT_COLUMNS = `a.id, a.uploader_id, a.message_id, a.content_type, a.size, a.name, a.width, a.height,
  a.thumbnail_size, ${isoTimestamp('a.created_at')} AS created_at`;

/**
 * Before an upload writes its first byte, its keys are journaled as due once the upload can no longer be running
 * (`$2` seconds): if the process dies between blob and row, the sweep deletes the blob.
 */
export const JOURNAL_BLOBS = prepared<never, [keys: string[], dueInSeconds: number]>(
  'journal_blobs',
  `INSERT INTO blob_sweep (key, due_at)
   SELECT key, now() + make_interval(secs => $2) FROM unnest($1::text[]) AS key
   ON CONFLICT (key) DO UPDATE SET due_at = EXCLUDED.due_at`,
);

/** The row, and the keys taken out of the journal, in one statement: a blob is the row's or the sweep's. */
export const INSERT_ATTACHMENT = prepared<
  AttachmentRow,
  [
    id: string,
    uploaderId: number,
    contentType: string,
    size: number,
    name: string,
    width: number | null,
    height: number | null,
    thumbnailSize: number | null,
    keys: string[],
  ]
>(
  'insert_attachment',
  `WITH a AS (
    INSERT INTO attachments (id, uploader_id, content_type, size, name, width, height, thumbnail_size)
    VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8)
    RETURNING *
  ), unjournaled AS (
    DELETE FROM blob_sweep WHERE key = ANY($9::text[])
  )
  SELECT ${ATTACHMENT_COLUMNS} FROM a`,
);

/**
 * The attachment `$1` if the caller `$2` may read it: its uploader while it is not attached, then the two users of
 * its message's conversation. (A deleted message has no attachments rows left.)
 */
export const FIND_READABLE = prepared<AttachmentRow, [id: string, callerId: number]>(
  'find_readable_attachment',
  `SELECT ${ATTACHMENT_COLUMNS}
     FROM attachments a LEFT JOIN messages m ON m.id = a.message_id
    WHERE a.id = $1::uuid
      AND CASE WHEN a.message_id IS NULL THEN a.uploader_id = $2 ELSE $2 IN (m.sender_id, m.recipient_id) END`,
);

/** An upload its uploader no longer wants, if it is theirs and not yet sent; its blobs go to the sweep. */
export const DELETE_UNSENT = prepared<{ id: string }, [id: string, uploaderId: number]>(
  'delete_unsent_upload',
  `DELETE FROM attachments WHERE id = $1::uuid AND uploader_id = $2 AND message_id IS NULL RETURNING id`,
);

/** Why a send's `attachment_ids` were refused: each id the sender named, if it exists and is theirs. */
export const FIND_UPLOADS = prepared<{ id: string; attached: boolean }, [ids: string[], uploaderId: number]>(
  'find_uploads',
  `SELECT id, message_id IS NOT NULL AS attached FROM attachments WHERE id = ANY($1::uuid[]) AND uploader_id = $2`,
);

/** Uploads never attached and older than `$1` hours, up to `$2` of them: their rows go, their blobs to the sweep. */
export const DELETE_ORPHANS = prepared<{ deleted: number }, [hours: number, batch: number]>(
  'delete_orphan_attachments',
  `WITH gone AS (
    DELETE FROM attachments WHERE id IN (
      SELECT id FROM attachments WHERE message_id IS NULL AND created_at < now() - make_interval(hours => $1)
       ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
    RETURNING 1
  )
  SELECT count(*)::int AS deleted FROM gone`,
);

/**
 * Up to `$1` keys that are due, leased for `$2` seconds: two sweepers never take the same key, and a sweeper that
 * dies lets its keys fall due again.
 */
export const LEASE_DUE_BLOBS = prepared<{ key: string }, [batch: number, leaseSeconds: number]>(
  'lease_due_blobs',
  `UPDATE blob_sweep SET due_at = now() + make_interval(secs => $2)
    WHERE key IN (SELECT key FROM blob_sweep WHERE due_at <= now() ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED)
   RETURNING key`,
);

export const FORGET_BLOBS = prepared<never, [keys: string[]]>(
  'forget_blobs',
  `DELETE FROM blob_sweep WHERE key = ANY($1::text[])`,
);

/** Whether anything here is left to sweep: at boot, a process starts the sweeps only if so (or at its first upload). */
export const HAS_ATTACHMENTS = prepared<{ any: boolean }, []>(
  'has_attachments',
  `SELECT EXISTS (SELECT FROM attachments) OR EXISTS (SELECT FROM blob_sweep) AS any`,
);
