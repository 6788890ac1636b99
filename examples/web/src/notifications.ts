/*
 * Web Push for the reference client, and the chat mute that decides what it is told.
 *
 * Enabling: the service worker (public/sw.js, served at /sw.js) is registered, the server's VAPID key is fetched
 * (`GET /push/vapid-public-key`: 404 or 503 when the server runs without push), the browser subscribes with it
 * (`PushManager.subscribe`), and the subscription is handed to Parley (`POST /push/subscriptions`), whose `{id}`
 * this browser keeps per user in localStorage, so disabling can remove it (`DELETE /push/subscriptions/{id}`).
 * The worker then shows what the server pushes while this user has no connected tab.
 *
 * The API calls (the three push routes and the mute's two) are the SDK's, made with the session's client (its base
 * URL and bearer token) like every other call; the browser side stays apart from them, below.
 */
import {
  type Client,
  type CreatePushSubscriptionDto,
  deletePushSubscription,
  getVapidPublicKey,
  muteChat,
  registerPushSubscription,
  unmuteChat,
} from '@parley/client';
import { describeError } from './api-error';

/** A subscription as `POST /push/subscriptions` takes it: the endpoint and keys of `PushSubscription.toJSON()`. */
type PushSubscriptionBody = Pick<CreatePushSubscriptionDto, 'endpoint' | 'keys'>;

// --- the API ---

/** The server's VAPID public key (base64url), or null when the server has push turned off (404, 503). */
async function fetchVapidKey(api: Client): Promise<string | null> {
  const { data, error, response } = await getVapidPublicKey({ client: api });
  if (response.status === 404 || response.status === 503) return null;
  if (!data) throw new Error(describeError(error));
  return data.key;
}

/** Registers (or, for an endpoint it knows, updates) this browser's subscription; answers its id. */
async function registerSubscription(api: Client, body: PushSubscriptionBody): Promise<number> {
  const { data } = await registerPushSubscription({ client: api, body, throwOnError: true });
  return data.id;
}

/** Removes a subscription; false when the server no longer has it as mine (404). */
async function removeSubscription(api: Client, id: number): Promise<boolean> {
  const { error, response } = await deletePushSubscription({ client: api, path: { id } });
  if (response.status === 404) return false;
  if (!response.ok) throw new Error(describeError(error));
  return true;
}

/** Mutes a chat until unmuted (`PUT`, no body) or unmutes it (`DELETE`): 204 either way. */
export async function setChatMute(api: Client, peerId: number, muted: boolean): Promise<void> {
  const options = { client: api, path: { user_id: peerId }, throwOnError: true as const };
  await (muted ? muteChat(options) : unmuteChat(options));
}

// --- the browser side ---

/**
 * Base64url (RFC 4648 §5, padded or not) to bytes: how the VAPID key reaches `applicationServerKey`. Throws on
 * anything else, rather than subscribe with a wrong key.
 */
export function base64UrlToBytes(value: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(value) || value.replace(/=+$/, '').length % 4 === 1) {
    throw new Error('Not base64url');
  }
  const base64 = value.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
  return Uint8Array.from(binary, (character) => character.charCodeAt(0));
}

/** Whether an existing subscription was made with this VAPID key (another key: it must be replaced). */
export function sameKey(existing: ArrayBuffer | null | undefined, key: Uint8Array): boolean {
  if (!existing || existing.byteLength !== key.byteLength) return false;
  const bytes = new Uint8Array(existing);
  return bytes.every((byte, index) => byte === key[index]);
}

/** What `POST /push/subscriptions` needs from `PushSubscription.toJSON()`; throws if the browser gave less. */
export function subscriptionBody(json: PushSubscriptionJSON): PushSubscriptionBody {
  const { endpoint, keys } = json;
  if (!endpoint || !keys?.p256dh || !keys.auth) throw new Error('The browser gave a subscription without keys');
  return { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } };
}

/**
 * `unsupported`: this browser has no service workers or Push API (or the page is not a secure context).
 * `unavailable`: the server runs without push. `denied`: the user blocked notifications for this site.
 * `dismissed`: the permission prompt was closed without an answer.
 */
export type NotificationsStatus = 'unsupported' | 'unavailable' | 'denied' | 'dismissed' | 'off' | 'on';

export const NOTIFICATIONS_NOTICE: Partial<Record<NotificationsStatus, string>> = {
  unsupported: 'This browser cannot show notifications from Parley.',
  unavailable: 'Notifications are not available on this server.',
  denied: 'Notifications are blocked for this site: allow them in the browser’s site settings, then try again.',
  dismissed: 'Notifications were not allowed. Try again, and allow them when the browser asks.',
};

function pushSupported(): boolean {
  return 'serviceWorker' in navigator && 'PushManager' in window;
}

interface StoredSubscription {
  id: number;
  endpoint: string;
}

/** This browser's push subscription for one signed-in user. */
export class PushNotifications {
  private readonly storageKey: string;

  constructor(
    private readonly api: Client,
    userId: number,
  ) {
    this.storageKey = `parley.push-subscription.${userId}`;
  }

  /** Where things stand without asking the server or the user anything. */
  async status(): Promise<NotificationsStatus> {
    if (!pushSupported()) return 'unsupported';
    if (Notification.permission === 'denied') return 'denied';
    const stored = this.stored();
    if (!stored) return 'off';
    const registration = await navigator.serviceWorker.getRegistration('/');
    const subscription = await registration?.pushManager.getSubscription();
    return subscription?.endpoint === stored.endpoint ? 'on' : 'off';
  }

  async enable(): Promise<NotificationsStatus> {
    if (!pushSupported()) return 'unsupported';
    const key = await fetchVapidKey(this.api);
    if (key === null) return 'unavailable';
    const permission = await Notification.requestPermission();
    if (permission === 'denied') return 'denied';
    if (permission !== 'granted') return 'dismissed';

    await navigator.serviceWorker.register('/sw.js');
    // subscribe() needs an active worker: `ready` is the registration once it has one.
    const registration = await navigator.serviceWorker.ready;
    const applicationServerKey = base64UrlToBytes(key);
    let subscription = await registration.pushManager.getSubscription();
    // Made with another key (the server's keys changed): the push service would refuse its pushes.
    if (subscription && !sameKey(subscription.options?.applicationServerKey, applicationServerKey)) {
      await subscription.unsubscribe();
      subscription = null;
    }
    try {
      subscription ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey });
    } catch (failure) {
      if (failure instanceof DOMException && failure.name === 'NotAllowedError') return 'denied';
      throw failure;
    }
    const body = subscriptionBody(subscription.toJSON());
    const id = await registerSubscription(this.api, body);
    localStorage.setItem(this.storageKey, JSON.stringify({ id, endpoint: body.endpoint } satisfies StoredSubscription));
    return 'on';
  }

  /**
   * Removes this user's subscription from Parley, then ends the browser's, unless the server no longer had it as
   * this user's (another user of this browser has registered the endpoint since: it is theirs now).
   */
  async disable(): Promise<NotificationsStatus> {
    const stored = this.stored();
    const removed = stored ? await removeSubscription(this.api, stored.id) : false;
    localStorage.removeItem(this.storageKey);
    if (removed && pushSupported()) {
      const registration = await navigator.serviceWorker.getRegistration('/');
      const subscription = await registration?.pushManager.getSubscription();
      if (subscription?.endpoint === stored?.endpoint) await subscription?.unsubscribe();
    }
    return 'off';
  }

  /** On logging out: Parley stops pushing this user's messages to this browser. Best effort. */
  async forget(): Promise<void> {
    const stored = this.stored();
    if (!stored) return;
    localStorage.removeItem(this.storageKey);
    await removeSubscription(this.api, stored.id).catch(() => false);
  }

  private stored(): StoredSubscription | null {
    try {
      const stored = JSON.parse(localStorage.getItem(this.storageKey) ?? 'null') as Partial<StoredSubscription> | null;
      return typeof stored?.id === 'number' && typeof stored.endpoint === 'string'
        ? { id: stored.id, endpoint: stored.endpoint }
        : null;
    } catch {
      return null;
    }
  }
}
