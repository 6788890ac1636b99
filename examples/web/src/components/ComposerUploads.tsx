import type { Client, UploadDto } from '@parley/client';
import { useRef, useState } from 'react';
import { describeError } from '../api-error';
import { discardUpload, formatFileSize, uploadAttachment } from '../attachments';

/** The API's limit: POST /send answers 400 for more `attachment_ids`. */
const MAX_FILES_PER_MESSAGE = 10;

/** A file chosen for the next message: uploading until `upload` is set, then ready to send by its id. */
export interface ComposerUpload {
  key: number;
  name: string;
  upload?: UploadDto;
}

/**
 * The files chosen for the next message. Each is uploaded as soon as it is chosen, so Send has only ids to pass;
 * a refused one (413 too large, 415 not an allowed type, 422 an unreadable image, 429) is dropped with the
 * server's reason. One removed is deleted on the server too (DELETE /uploads/{id}); one never sent stays there until
 * its orphan sweep.
 */
export function useComposerUploads(client: Client) {
  const [uploads, setUploads] = useState<ComposerUpload[]>([]);
  const [error, setError] = useState<string | null>(null);
  const nextKey = useRef(0);
  /** Removed while still uploading: deleted on the server once its upload finishes. */
  const removed = useRef(new Set<number>());

  const add = (files: File[]) => {
    const room = MAX_FILES_PER_MESSAGE - uploads.length;
    setError(files.length > room ? `At most ${MAX_FILES_PER_MESSAGE} files can be sent with a message.` : null);
    for (const file of files.slice(0, Math.max(0, room))) {
      const key = nextKey.current++;
      setUploads((current) => [...current, { key, name: file.name }]);
      uploadAttachment(client, file).then(
        (upload) => {
          if (removed.current.has(key)) {
            void discardUpload(client, upload.id);
            return;
          }
          setUploads((current) => current.map((entry) => (entry.key === key ? { ...entry, upload } : entry)));
        },
        (failure: unknown) => {
          setUploads((current) => current.filter((entry) => entry.key !== key));
          setError(`${file.name} was not uploaded: ${describeError(failure)}`);
        },
      );
    }
  };

  return {
    uploads,
    error,
    add,
    remove: (key: number) => {
      removed.current.add(key);
      const upload = uploads.find((entry) => entry.key === key)?.upload;
      if (upload) void discardUpload(client, upload.id);
      setUploads((current) => current.filter((entry) => entry.key !== key));
    },
    /** Empties the list once its files went with a message. */
    clear: () => {
      setUploads([]);
      setError(null);
    },
    uploading: uploads.some((entry) => !entry.upload),
    ready: uploads.flatMap((entry) => (entry.upload ? [entry.upload] : [])),
  };
}

/** The attach button: a file input, hidden behind a label that shows the clip and names it for screen readers. */
export function AttachFileInput({ disabled, onChoose }: { disabled: boolean; onChoose: (files: File[]) => void }) {
  return (
    <label className={disabled ? 'attach disabled' : 'attach'} title="Attach a file">
      <input
        type="file"
        multiple
        className="visually-hidden"
        disabled={disabled}
        onChange={(event) => {
          onChoose(Array.from(event.target.files ?? []));
          // Emptied, so choosing the same file again (after removing it) is a change too.
          event.target.value = '';
        }}
      />
      <span aria-hidden>📎</span>
      <span className="visually-hidden">Attach a file</span>
    </label>
  );
}

/** The files that will go with the next message, each with its size once stored, and a button to take it out. */
export function PendingUploads({ uploads, onRemove }: { uploads: ComposerUpload[]; onRemove: (key: number) => void }) {
  if (uploads.length === 0) return null;
  return (
    <ul className="pending-uploads" aria-label="Files to send">
      {uploads.map(({ key, name, upload }) => (
        <li key={key} className={upload ? undefined : 'uploading'}>
          <span className="name">{name}</span>
          <span className="size">{upload ? formatFileSize(upload.size) : 'Uploading…'}</span>
          <button type="button" aria-label={`Remove ${name}`} title="Remove" onClick={() => onRemove(key)}>
            ✕
          </button>
        </li>
      ))}
    </ul>
  );
}
