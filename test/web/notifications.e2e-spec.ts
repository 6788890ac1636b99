/*
 * "Enable notifications" and the chat mute in the reference web client (examples/web), in Chromium against the
 * real app with push on (VAPID keys in its environment).
 *
 * What a browser test here can prove, and what it cannot: headless Chromium has no push service to subscribe
 * with (PushManager.subscribe fails without one), so this test replaces PushManager.prototype.subscribe alone,
 * in the page, with one that answers a subscription as a browser would (a real P-256 key and a 16-byte auth
 * secret, an endpoint on a test host) and records what the client asked it for. Everything around it is real:
 * the service worker registers from /sw.js, the client fetches the server's VAPID key and subscribes with it,
 * posts the subscription to POST /push/subscriptions, and the server stores it. Delivery itself (a push encrypted
 * for the subscription, VAPID-signed, to a push service) is proven by the e2e tests with the test push service
 * (test/support/push-service.ts), not here.
 */
import { createECDH, randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import webPush from 'web-push';
import { Presence } from '../../src/realtime/presence.js';
import { bearer, sendMessage, signupUser, type TestUser } from '../support/factories.js';
import { chatWith, connection, conversation, shown, UI_WAIT_MS, useWebClient } from './web-client-harness.js';

/** What the stubbed PushManager.subscribe answers: a subscription as Chromium's toJSON() gives it. */
interface FakeSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** What the page's stub saw: the options the client subscribed with, and whether it unsubscribed. */
interface SubscribeRecord {
  userVisibleOnly?: boolean;
  applicationServerKey?: string;
  unsubscribed?: boolean;
}

declare global {
  interface Window {
    __pushSubscribe?: SubscribeRecord;
  }
}

/** A subscription like a browser's: an uncompressed P-256 public key and a 16-byte auth secret, base64url. */
function browserLikeSubscription(endpoint: string): FakeSubscription {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    endpoint,
    keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
  };
}

/**
 * Runs in the page before its scripts: PushManager.prototype.subscribe (and nothing else) answers `fake`, and
 * records the options it was called with. getSubscription and the rest stay the browser's own.
 */
function stubSubscribe(fake: FakeSubscription): void {
  const toBase64Url = (buffer: BufferSource): string => {
    const bytes =
      buffer instanceof ArrayBuffer
        ? new Uint8Array(buffer)
        : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    return btoa(String.fromCharCode(...bytes))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
  };
  PushManager.prototype.subscribe = function subscribe(options?: PushSubscriptionOptionsInit) {
    const key = options?.applicationServerKey;
    const record: SubscribeRecord = {
      userVisibleOnly: options?.userVisibleOnly,
      applicationServerKey:
        key === undefined || key === null || typeof key === 'string' ? (key ?? undefined) : toBase64Url(key),
    };
    window.__pushSubscribe = record;
    const subscription = {
      endpoint: fake.endpoint,
      expirationTime: null,
      options: { applicationServerKey: null, userVisibleOnly: true },
      getKey: () => null,
      toJSON: () => ({ endpoint: fake.endpoint, expirationTime: null, keys: fake.keys }),
      unsubscribe: () => {
        record.unsubscribed = true;
        return Promise.resolve(true);
      },
    };
    return Promise.resolve(subscription as unknown as PushSubscription);
  };
}

describe('notifications and mute in the reference web client (Chromium)', () => {
  const vapid = webPush.generateVAPIDKeys();
  const client = useWebClient('web-notifications', () => ({
    VAPID_PUBLIC_KEY: vapid.publicKey,
    VAPID_PRIVATE_KEY: vapid.privateKey,
    VAPID_SUBJECT: 'mailto:ops@example.com',
    PUSH_ALLOW_INSECURE_ENDPOINTS: 'true',
  }));
  const { screenshot } = client;

  /** A browser context on the client, with notifications allowed (or not) and subscribe stubbed (or not). */
  const openPage = (options: { allowNotifications?: boolean; subscription?: FakeSubscription } = {}) =>
    client.openPage(async (context) => {
      if (options.allowNotifications ?? true) {
        await context.grantPermissions(['notifications'], { origin: client.web.url });
      }
      if (options.subscription) await context.addInitScript(stubSubscribe, options.subscription);
    });

  const logIn = async (page: Page, user: TestUser) => {
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await shown(connection(page).filter({ hasText: 'Live' }));
  };

  const subscriptionsOf = (user: TestUser) =>
    client.testApp.query<{ endpoint: string; p256dh: string; auth: string }>(
      'SELECT endpoint, p256dh, auth FROM push_subscriptions WHERE user_id = $1',
      [user.id],
    );

  const chatAsListed = async (user: TestUser, peer: TestUser) => {
    const response = await client.testApp.api().get('/chat').set(bearer(user)).expect(200);
    return (response.body.chats as { user_id: number; muted: boolean; muted_until: string | null }[]).find(
      (chat) => chat.user_id === peer.id,
    );
  };

  it('registers /sw.js, subscribes with the server’s VAPID key, and stores the subscription; disabling removes it', async () => {
    const alice = await signupUser(client.testApp);
    const fake = browserLikeSubscription('https://push.example.test/sub/1');
    const { page } = await openPage({ subscription: fake });
    await logIn(page, alice);
    const posted: unknown[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/push/subscriptions') {
        posted.push(request.postDataJSON());
      }
    });
    await screenshot(page, '01-signed-in');

    const created = page.waitForResponse(
      (response) =>
        response.request().method() === 'POST' && new URL(response.url()).pathname === '/push/subscriptions',
    );
    await page.getByRole('button', { name: 'Enable notifications' }).click();
    const response = await created;
    expect(response.status()).toBe(201);
    const { id } = (await response.json()) as { id: number };
    expect(id).toEqual(expect.any(Number));
    await shown(page.getByRole('button', { name: 'Disable notifications' }));
    await screenshot(page, '02-notifications-enabled');

    // The service worker is the client's, from the root, and active.
    const scriptUrl = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      return registration.active?.scriptURL;
    });
    expect(new URL(scriptUrl!).pathname).toBe('/sw.js');

    // Subscribed as a push service requires: visible notifications only, with the server's own VAPID key.
    const record = await page.evaluate(() => window.__pushSubscribe);
    expect(record).toEqual({ userVisibleOnly: true, applicationServerKey: vapid.publicKey });

    // The endpoint and keys of PushSubscription.toJSON(), and the server stored them for Alice.
    expect(posted).toEqual([{ endpoint: fake.endpoint, keys: fake.keys }]);
    expect(await subscriptionsOf(alice)).toEqual([{ endpoint: fake.endpoint, ...fake.keys }]);
    expect(await page.evaluate(() => localStorage.length)).toBeGreaterThan(0);

    // Disabling deletes it on the server (the subscription stub is not the browser's, so there is none to end).
    const deleted = page.waitForResponse(
      (answer) =>
        answer.request().method() === 'DELETE' && new URL(answer.url()).pathname === `/push/subscriptions/${id}`,
    );
    await page.getByRole('button', { name: 'Disable notifications' }).click();
    expect((await deleted).status()).toBe(204);
    await shown(page.getByRole('button', { name: 'Enable notifications' }));
    expect(await subscriptionsOf(alice)).toEqual([]);
  }, 90_000);

  it('says its socket is away while the tab is hidden, so a background tab does not hold back pushes', async () => {
    const alice = await signupUser(client.testApp);
    const { page } = await openPage();
    await logIn(page, alice);
    const presence = client.testApp.app.get(Presence);
    // What a push decision asks: does Alice have a socket that is not away?
    const activeBecomes = async (expected: boolean) => {
      const deadline = Date.now() + UI_WAIT_MS;
      while ((await presence.isActive(alice.id)) !== expected) {
        if (Date.now() > deadline) throw new Error(`Alice's presence did not become ${expected ? 'active' : 'away'}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    // Headless pages are never hidden by themselves: the page is told so, as a browser tells a background tab.
    const showTab = (state: 'hidden' | 'visible') =>
      page.evaluate((visibility) => {
        Object.defineProperty(document, 'visibilityState', { value: visibility, configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      }, state);

    await activeBecomes(true);
    await showTab('hidden');
    await activeBecomes(false);
    await showTab('visible');
    await activeBecomes(true);
  }, 90_000);

  it('mutes and unmutes a chat from its header, as GET /chat reports it, and marks it in the list', async () => {
    const alice = await signupUser(client.testApp);
    const bob = await signupUser(client.testApp);
    await sendMessage(client.testApp, bob, alice, 'are you there?');
    const { page } = await openPage();
    await logIn(page, alice);

    await chatWith(page, bob.username).click();
    const header = conversation(page, bob.username);
    await shown(header.getByText('are you there?'));
    expect(await chatAsListed(alice, bob)).toMatchObject({ muted: false, muted_until: null });
    expect(await chatWith(page, bob.username).getByLabel('muted', { exact: true }).count()).toBe(0);

    await header.getByRole('button', { name: 'Mute', exact: true }).click();
    await shown(header.getByRole('button', { name: 'Unmute', exact: true }));
    expect(await header.getByRole('button', { name: 'Unmute', exact: true }).getAttribute('aria-pressed')).toBe('true');
    await shown(chatWith(page, bob.username).getByLabel('muted', { exact: true }));
    // Muted until unmuted: no end time.
    expect(await chatAsListed(alice, bob)).toMatchObject({ muted: true, muted_until: null });
    await screenshot(page, '03-chat-muted');

    // The mute comes back from the server: a reloaded page shows it from GET /chat.
    await page.reload();
    await shown(chatWith(page, bob.username).getByLabel('muted', { exact: true }));
    await chatWith(page, bob.username).click();
    await header.getByRole('button', { name: 'Unmute', exact: true }).click();
    await shown(header.getByRole('button', { name: 'Mute', exact: true }));
    await chatWith(page, bob.username).getByLabel('muted', { exact: true }).waitFor({ state: 'detached' });
    expect(await chatAsListed(alice, bob)).toMatchObject({ muted: false, muted_until: null });
    await screenshot(page, '04-chat-unmuted');
  }, 90_000);

  it('opens the chat a notification names (/?chat=<id>, as the service worker opens a window)', async () => {
    const alice = await signupUser(client.testApp);
    const bob = await signupUser(client.testApp);
    await sendMessage(client.testApp, bob, alice, 'open me from the notification');
    const { page } = await openPage();
    await logIn(page, alice);
    // The session is kept per tab: the same tab at the address the service worker opens.
    await page.goto(`${client.web.url}/?chat=${bob.id}`);
    await shown(conversation(page, bob.username).getByText('open me from the notification'));
    await page.waitForURL((url) => !url.searchParams.has('chat'), { timeout: UI_WAIT_MS });
  }, 60_000);

  it('says so when the server has push off', async () => {
    const alice = await signupUser(client.testApp);
    const off = await openPage({ subscription: browserLikeSubscription('https://push.example.test/sub/off') });
    // This server has push on; a server without VAPID keys answers the key's route 404, as here.
    await off.page.route('**/push/vapid-public-key', (route) =>
      route.fulfill({
        status: 404,
        contentType: 'application/json',
        body: JSON.stringify({ statusCode: 404, error: 'Not Found', message: 'Web Push is off on this server' }),
      }),
    );
    await logIn(off.page, alice);
    await off.page.getByRole('button', { name: 'Enable notifications' }).click();
    await shown(off.page.getByText('Notifications are not available on this server'));
    expect(await off.page.getByRole('button', { name: 'Enable notifications' }).count()).toBe(0);
    expect(await off.page.evaluate(() => window.__pushSubscribe)).toBeUndefined();
  }, 60_000);
});
