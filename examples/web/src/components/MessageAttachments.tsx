import type { AttachmentDto, Client } from '@parley/client';
import { useEffect, useRef, useState } from 'react';
import { describeError } from '../api-error';
import { formatFileSize, hasThumbnail, saveAttachment, thumbnailSize, useAttachmentUrl } from '../attachments';

/**
 * A message's files in the order they were sent: an image as its thumbnail, which opens the full image; any other
 * file as a button that downloads it. Not a list: the conversation is one, and its items are the messages.
 */
export function MessageAttachments({ client, attachments }: { client: Client; attachments: AttachmentDto[] }) {
  if (attachments.length === 0) return null;
  return (
    <div className="attachments" role="group" aria-label="Attachments">
      {attachments.map((attachment) =>
        hasThumbnail(attachment) ? (
          <ImageAttachment key={attachment.id} client={client} attachment={attachment} />
        ) : (
          <FileAttachment key={attachment.id} client={client} attachment={attachment} />
        ),
      )}
    </div>
  );
}

function ImageAttachment({ client, attachment }: { client: Client; attachment: AttachmentDto }) {
  const [viewing, setViewing] = useState(false);
  const thumbnail = useAttachmentUrl(client, attachment, 'thumbnail');
  // The box is reserved before the thumbnail arrives, so the messages below it do not move when it does.
  const size = thumbnailSize(attachment);
  return (
    <>
      <button type="button" className="thumbnail" title={`Open ${attachment.name}`} onClick={() => setViewing(true)}>
        {thumbnail.status === 'loaded' ? (
          <img src={thumbnail.url} alt={attachment.name} width={size?.width} height={size?.height} />
        ) : (
          <span className="attachment-placeholder" style={size}>
            {thumbnail.status === 'failed' ? `${attachment.name} could not be loaded` : 'Loading…'}
          </span>
        )}
      </button>
      {viewing && <ImageViewer client={client} attachment={attachment} onClose={() => setViewing(false)} />}
    </>
  );
}

/**
 * The full image over the page: a modal `<dialog>`, so Escape and the Close button both close it and the page
 * behind it cannot be clicked meanwhile. The file is fetched only when opened, and released when closed.
 */
function ImageViewer(props: { client: Client; attachment: AttachmentDto; onClose: () => void }) {
  const { client, attachment, onClose } = props;
  const dialog = useRef<HTMLDialogElement>(null);
  const image = useAttachmentUrl(client, attachment, 'full');

  useEffect(() => {
    // Not closed on cleanup: leaving the document takes it out of the top layer, and a `close` event would reach
    // onClose after StrictMode's second mount. Opening an open dialog again is skipped for the same reason.
    if (dialog.current && !dialog.current.open) dialog.current.showModal();
  }, []);

  return (
    <dialog ref={dialog} className="image-viewer" aria-label={attachment.name} onClose={onClose}>
      <div className="image-viewer-bar">
        <span className="name">{attachment.name}</span>
        {image.status === 'loaded' && (
          <a href={image.url} download={attachment.name}>
            Download
          </a>
        )}
        <button type="button" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </div>
      {image.status === 'loaded' ? (
        <img src={image.url} alt={attachment.name} width={attachment.width} height={attachment.height} />
      ) : (
        <p className="attachment-placeholder">
          {image.status === 'failed' ? 'The image could not be loaded.' : 'Loading…'}
        </p>
      )}
    </dialog>
  );
}

function FileAttachment({ client, attachment }: { client: Client; attachment: AttachmentDto }) {
  const [error, setError] = useState<string | null>(null);
  const download = () => {
    setError(null);
    saveAttachment(client, attachment).catch((failure: unknown) => setError(describeError(failure)));
  };
  return (
    <span className="file-attachment">
      <button type="button" title={`Download ${attachment.name}`} onClick={download}>
        <span aria-hidden>📄 </span>
        <span className="name">{attachment.name}</span> <span className="size">{formatFileSize(attachment.size)}</span>
      </button>
      {error && <span role="alert">{error}</span>}
    </span>
  );
}
