import { base64UrlToBytes, NOTIFICATIONS_NOTICE, sameKey, subscriptionBody } from './notifications';

describe('notifications', () => {
  it('decodes a base64url VAPID key to the bytes PushManager.subscribe takes, padded or not', () => {
    const bytes = Uint8Array.from({ length: 65 }, (_, index) => (index * 37 + 4) % 256);
    const encoded = btoa(String.fromCharCode(...bytes))
      .replace(/\+/g, '-')
      .replace(/\//g, '_');
    expect(encoded).toMatch(/[-_]/);
    expect(base64UrlToBytes(encoded.replace(/=+$/, ''))).toEqual(bytes);
    expect(base64UrlToBytes(encoded)).toEqual(bytes);
    expect(base64UrlToBytes('')).toEqual(new Uint8Array());
  });

  it('refuses what is not base64url rather than subscribe with a wrong key', () => {
    expect(() => base64UrlToBytes('abc+/')).toThrow('Not base64url');
    expect(() => base64UrlToBytes('abcde')).toThrow('Not base64url');
    expect(() => base64UrlToBytes('a b')).toThrow('Not base64url');
  });

  it('tells a subscription made with the same VAPID key from one made with another', () => {
    const key = Uint8Array.from([4, 1, 2, 3]);
    expect(sameKey(Uint8Array.from([4, 1, 2, 3]).buffer, key)).toBe(true);
    expect(sameKey(Uint8Array.from([4, 1, 2, 9]).buffer, key)).toBe(false);
    expect(sameKey(Uint8Array.from([4, 1, 2]).buffer, key)).toBe(false);
    expect(sameKey(null, key)).toBe(false);
    expect(sameKey(undefined, key)).toBe(false);
  });

  it('posts the endpoint and keys of PushSubscription.toJSON(), and refuses one without keys', () => {
    const json = {
      endpoint: 'https://push.example.test/sub/1',
      expirationTime: null,
      keys: { p256dh: 'BPub', auth: 'secret' },
    };
    expect(subscriptionBody(json)).toEqual({ endpoint: json.endpoint, keys: json.keys });
    expect(() => subscriptionBody({ endpoint: json.endpoint })).toThrow('without keys');
    expect(() => subscriptionBody({ keys: json.keys })).toThrow('without keys');
  });

  it('says why notifications cannot be turned on, and nothing while they can', () => {
    expect(NOTIFICATIONS_NOTICE.unavailable).toBe('Notifications are not available on this server.');
    expect(NOTIFICATIONS_NOTICE.denied).toMatch(/blocked/);
    expect(NOTIFICATIONS_NOTICE.on).toBeUndefined();
    expect(NOTIFICATIONS_NOTICE.off).toBeUndefined();
  });
});
