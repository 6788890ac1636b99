/** An attachment's storage keys; the migration's parley_sweep_attachment_blobs() makes the same two. */
export const fileKey = (attachmentId: string) => `a/${attachmentId}`;
export const thumbnailKey = (attachmentId: string) => `a/${attachmentId}.thumb`;
