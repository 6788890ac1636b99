import { isInternalAddress, refuseEndpoint } from './endpoint-policy.js';

describe('push endpoint policy', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.20.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '::1',
    'fd00::1',
    '::ffff:10.0.0.1',
  ])('treats %s as internal', (address) => expect(isInternalAddress(address)).toBe(true));

  it.each(['142.250.74.106', '2a00:1450:4001:82b::200a', '172.32.0.1'])('treats %s as public', (address) =>
    expect(isInternalAddress(address)).toBe(false),
  );

  it('refuses plain http, credentials and internal hosts, and allows them only when told to', async () => {
    await expect(refuseEndpoint('http://203.0.113.7/push/1', false)).resolves.toMatch(/https/);
    await expect(refuseEndpoint('https://user:pw@203.0.113.7/push/1', false)).resolves.toMatch(/credentials/);
    await expect(refuseEndpoint('https://127.0.0.1/push/1', false)).resolves.toMatch(/private/);
    await expect(refuseEndpoint('https://[::1]/push/1', false)).resolves.toMatch(/private/);
    await expect(refuseEndpoint('https://localhost/push/1', false)).resolves.toMatch(/private/);
    await expect(refuseEndpoint('https://203.0.113.7/push/1', false)).resolves.toBeUndefined();
    await expect(refuseEndpoint('http://127.0.0.1:9/push/1', true)).resolves.toBeUndefined();
    await expect(refuseEndpoint('ftp://203.0.113.7/push/1', true)).resolves.toMatch(/https/);
  });
});
