/*
 * The reference client's service worker: shows Parley's Web Push notifications and opens the chat one is about.
 * Served as-is from the site's root (Vite's publicDir), so its scope is the whole client. The payload is what the
 * server encrypts for this subscription (docs: issue 21's contract):
 *   {type: 'message.new', message_id, sender_id, sender_username, preview?}
 * `preview` is left out when the server runs with PUSH_PREVIEWS=false. One notification per sender (its `tag`):
 * a later message from them replaces the earlier one, as the server's Topic header does on the push service.
 */
const worker = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (globalThis));

// A new version takes over at once: there is no page state it could disagree with.
worker.addEventListener('install', () => void worker.skipWaiting());
worker.addEventListener('activate', (event) => event.waitUntil(worker.clients.claim()));

/**
 * @param {PushMessageData | null} data
 * @returns {{ type?: string, sender_id?: number, sender_username?: string, preview?: string }}
 */
function payloadOf(data) {
  try {
    const parsed = /** @type {unknown} */ (data?.json());
    return parsed !== null && typeof parsed === 'object' ? parsed : {};
  } catch {
    return {};
  }
}

worker.addEventListener('push', (event) => {
  const payload = payloadOf(event.data);
  // Only new messages are notified; anything else (a future type, a "clear") shows nothing.
  if (payload.type !== undefined && payload.type !== 'message.new') return;
  const senderId = payload.sender_id;
  event.waitUntil(
    worker.registration.showNotification(payload.sender_username ?? 'New message', {
      body: payload.preview ?? 'New message',
      tag: senderId === undefined ? 'parley' : `parley-${senderId}`,
      data: { sender_id: senderId },
    }),
  );
});

worker.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = /** @type {unknown} */ (event.notification.data);
  const senderId =
    data !== null && typeof data === 'object' && 'sender_id' in data && typeof data.sender_id === 'number'
      ? data.sender_id
      : undefined;
  event.waitUntil(
    (async () => {
      const windows = await worker.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((client) => new URL(client.url).origin === worker.location.origin);
      if (open) {
        // The open client switches to the chat itself (ChatApp listens): no reload, no lost state.
        await open.focus();
        if (senderId !== undefined) open.postMessage({ type: 'open-chat', user_id: senderId });
        return;
      }
      await worker.clients.openWindow(senderId === undefined ? '/' : `/?chat=${encodeURIComponent(senderId)}`);
    })(),
  );
});
