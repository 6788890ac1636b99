/*
 * Registering browsers for Web Push (issue 21): the VAPID key a page subscribes with, the subscription's
 * lifecycle (idempotent by endpoint, at most ten per user, deleted by its owner only), and hostile endpoints
 * refused with a 400 before anything is stored: plain http, loopback and private addresses (no request is ever
 * made to them). Delivery itself is in offline-reach.e2e-spec.ts.
 */
import { createECDH, randomBytes } from 'node:crypto';
import webPush from 'web-push';
import { bearer, signupUser, type TestUser } from '../support/factories.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** What a browser's PushSubscription.toJSON() gives, for an endpoint of our choosing. */
function browserSubscription(endpoint: string) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    endpoint,
    expirationTime: null,
    keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
  };
}

// A documentation address (RFC 5737): public, so allowed, and never called by these tests.
const PUBLIC_PUSH_SERVICE = 'https://203.0.113.7/push';

describe('push subscriptions', () => {
  const vapid = webPush.generateVAPIDKeys();
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ env: { VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey } });
  });

  afterAll(() => testApp.close());

  const register = (user: TestUser, body: object) =>
    testApp.api().post('/push/subscriptions').set(bearer(user)).send(body);

  const endpointsOf = async (user: TestUser) =>
    (
      await testApp.query<{ endpoint: string }>('SELECT endpoint FROM push_subscriptions WHERE user_id = $1', [user.id])
    ).map((row) => row.endpoint);

  it('gives the VAPID public key without a token', async () => {
    const { body } = await testApp.api().get('/push/vapid-public-key').expect(200);
    expect(body).toEqual({ key: vapid.publicKey });
  });

  it('registers a subscription, updates it when the same endpoint comes again, and lets only its owner delete it', async () => {
    const [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
    const first = browserSubscription(`${PUBLIC_PUSH_SERVICE}/alice-laptop`);
    const { body: created } = await register(alice, first).expect(201);
    expect(created).toEqual({ id: expect.any(Number) });

    // The browser renewed its keys: the same endpoint, the same id, the new keys.
    const renewed = browserSubscription(first.endpoint);
    const { body: again } = await register(alice, renewed).expect(201);
    expect(again.id).toBe(created.id);
    const [stored] = await testApp.query<{ p256dh: string }>('SELECT p256dh FROM push_subscriptions WHERE id = $1', [
      created.id,
    ]);
    expect(stored.p256dh).toBe(renewed.keys.p256dh);

    await testApp.api().delete(`/push/subscriptions/${created.id}`).set(bearer(bob)).expect(404);
    await testApp.api().delete(`/push/subscriptions/${created.id}`).set(bearer(alice)).expect(204);
    expect(await endpointsOf(alice)).toEqual([]);
  });

  it('keeps at most ten subscriptions per user, dropping the oldest', async () => {
    const carol = await signupUser(testApp);
    for (let device = 1; device <= 11; device++) {
      await register(carol, browserSubscription(`${PUBLIC_PUSH_SERVICE}/carol-${device}`)).expect(201);
    }
    const endpoints = await endpointsOf(carol);
    expect(endpoints).toHaveLength(10);
    expect(endpoints).not.toContain(`${PUBLIC_PUSH_SERVICE}/carol-1`);
    expect(endpoints).toContain(`${PUBLIC_PUSH_SERVICE}/carol-11`);
  });

  it.each([
    ['plain http', 'http://203.0.113.7/push/1', /https/],
    ['a loopback address', 'https://127.0.0.1:8443/push/1', /loopback or private/],
    ['a name for a loopback address', 'https://localhost/push/1', /loopback or private/],
    ['a cloud metadata address', 'https://169.254.169.254/latest', /loopback or private/],
    ['a private network address', 'https://10.0.0.5/push/1', /loopback or private/],
    ['IPv6 loopback', 'https://[::1]/push/1', /loopback or private/],
    ['credentials in the URL', 'https://user:secret@203.0.113.7/push/1', /credentials/],
    ['not a URL', 'push service', /URL/],
  ])('refuses %s as an endpoint with a 400, storing nothing', async (_case, endpoint, message) => {
    const dave = await signupUser(testApp);
    const { body } = await register(dave, browserSubscription(endpoint)).expect(400);
    expect(body).toMatchObject({ statusCode: 400, message: expect.stringMatching(message) });
    expect(await endpointsOf(dave)).toEqual([]);
  });

  it.each([
    ['no keys', 'keys', { endpoint: `${PUBLIC_PUSH_SERVICE}/x` }],
    [
      'a p256dh that is not a P-256 point',
      'p256dh',
      { ...browserSubscription(`${PUBLIC_PUSH_SERVICE}/x`), keys: { p256dh: 'abc', auth: 'AAAAAAAAAAAAAAAAAAAAAA' } },
    ],
    [
      'an auth secret of the wrong size',
      'auth',
      {
        ...browserSubscription(`${PUBLIC_PUSH_SERVICE}/x`),
        keys: { p256dh: browserSubscription('x').keys.p256dh, auth: 'c2hvcnQ' },
      },
    ],
    ['an unknown field', 'extra', { ...browserSubscription(`${PUBLIC_PUSH_SERVICE}/x`), extra: 1 }],
    ['an endpoint over 2048 characters', 'endpoint', browserSubscription(`${PUBLIC_PUSH_SERVICE}/${'x'.repeat(2100)}`)],
  ])('refuses %s with a 400 naming the field', async (_case, field, body) => {
    const erin = await signupUser(testApp);
    const response = await register(erin, body).expect(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(JSON.stringify(response.body.details)).toContain(field);
  });

  it('says push is off, with a 404, on a server without VAPID keys', async () => {
    const off = await createTestApp();
    try {
      await off
        .api()
        .get('/push/vapid-public-key')
        .expect(404, /Web Push is off/);
      const frank = await signupUser(off);
      await off
        .api()
        .post('/push/subscriptions')
        .set(bearer(frank))
        .send(browserSubscription(`${PUBLIC_PUSH_SERVICE}/frank`))
        .expect(404);
    } finally {
      await off.close();
    }
  });
});
