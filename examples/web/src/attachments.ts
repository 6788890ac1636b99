/*
 * Files in a conversation (docs/attachments.md). An `<img src>` or a plain link cannot send the Authorization
 * header, and the API puts no token in a URL, so every file is fetched with the session's SDK client and shown or
 * saved as a Blob through an object URL. Each object URL holds its Blob until revoked: whoever makes one revokes it.
 */
import {
  type AttachmentDto,
  type Client,
  deleteUpload,
  downloadAttachment,
  downloadAttachmentThumbnail,
  type UploadDto,
  uploadFile,
} from '@parley/client';
import { useEffect, useState } from 'react';

/** The file itself, or an image's thumbnail (a WebP of at most THUMBNAIL_SIDE px a side). */
export type AttachmentFile = 'full' | 'thumbnail';

/** The server's thumbnail box: images are scaled to fit it, never enlarged. */
export const THUMBNAIL_SIDE = 320;

/** Uploads one file (`POST /uploads`); a refusal (413, 415, 422, 429…) is thrown as the API's error body. */
export async function uploadAttachment(client: Client, file: File): Promise<UploadDto> {
  const { data } = await uploadFile({ client, body: { file }, throwOnError: true });
  return data;
}

/** Deletes an upload taken back before sending; best effort: the server's orphan sweep deletes one this misses. */
export async function discardUpload(client: Client, id: string): Promise<void> {
  await deleteUpload({ client, path: { id } });
}

/** GETs the file or its thumbnail with the bearer token; a refusal is thrown as the API's error body. */
export async function fetchAttachment(
  client: Client,
  attachment: Pick<AttachmentDto, 'id'>,
  which: AttachmentFile,
  signal?: AbortSignal,
): Promise<Blob> {
  const options = { client, path: { id: attachment.id }, parseAs: 'blob', signal, throwOnError: true } as const;
  const { data } =
    which === 'thumbnail' ? await downloadAttachmentThumbnail(options) : await downloadAttachment(options);
  return data;
}

export type AttachmentUrl = { status: 'loading' } | { status: 'loaded'; url: string } | { status: 'failed' };

/**
 * The attachment's file (or thumbnail) as an object URL for `<img src>`: fetched when the component mounts, and
 * revoked when it unmounts or asks for another file, so a long conversation does not keep every image it showed.
 */
export function useAttachmentUrl(client: Client, attachment: AttachmentDto, which: AttachmentFile): AttachmentUrl {
  const { id } = attachment;
  const [loaded, setLoaded] = useState<{ id: string; which: AttachmentFile; result: AttachmentUrl } | null>(null);

  useEffect(() => {
    const aborted = new AbortController();
    let objectUrl: string | undefined;
    fetchAttachment(client, { id }, which, aborted.signal).then(
      (blob) => {
        if (aborted.signal.aborted) return;
        objectUrl = URL.createObjectURL(blob);
        setLoaded({ id, which, result: { status: 'loaded', url: objectUrl } });
      },
      (error: unknown) => {
        if (aborted.signal.aborted) return;
        console.warn(`loading attachment ${id} failed`, error);
        setLoaded({ id, which, result: { status: 'failed' } });
      },
    );
    return () => {
      aborted.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [client, id, which]);

  // A result for another file (the props changed, its effect has not answered yet) is not this one's.
  return loaded?.id === id && loaded.which === which ? loaded.result : { status: 'loading' };
}

/**
 * Hands a Blob to the browser as a download named `name`, through a temporary `<a download>` (the only way a page
 * can save a file it fetched itself).
 */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the file by the next task; the URL would otherwise hold the Blob until the tab closes.
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

/** Saves an attachment's file under its name; a refusal is thrown as the API's error body. */
export async function saveAttachment(client: Client, attachment: AttachmentDto): Promise<void> {
  saveBlob(await fetchAttachment(client, attachment, 'full'), attachment.name);
}

/** Whether the server made a thumbnail: only images have one (and only they have width and height). */
export function hasThumbnail(attachment: AttachmentDto): boolean {
  return attachment.thumbnail_url !== undefined;
}

/**
 * The size to reserve for an image's thumbnail before it loads, so the conversation does not jump when it does:
 * the image's own size scaled to fit the thumbnail box, as the server scales it, never enlarged.
 */
export function thumbnailSize(
  image: { width?: number; height?: number },
  box = THUMBNAIL_SIDE,
): { width: number; height: number } | undefined {
  const { width, height } = image;
  if (!width || !height) return undefined;
  const scale = Math.min(1, box / width, box / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

const SIZE_UNITS = ['KB', 'MB', 'GB'];

/** A file's size as people read it: "512 bytes", "1.5 KB", "24 MB" (units of 1024, as the upload limit is given). */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < SIZE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const rounded = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  return `${rounded} ${SIZE_UNITS[unit]}`;
}
