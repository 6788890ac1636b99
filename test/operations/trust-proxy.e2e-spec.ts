/*
 * TRUST_PROXY: behind a balancer, per-IP limits must count each client, not
 * the balancer; without it, a client must not pick its own address with a
 * spoofed X-Forwarded-For.
 */
import { uniqueName } from '../support/factories.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const AUTH_PER_IP = '3';

async function loginsFrom(testApp: TestApp, forwardedFor: string[]): Promise<number[]> {
  const statuses: number[] = [];
  for (const address of forwardedFor) {
    const response = await testApp
      .api()
      .post('/login')
      .set('X-Forwarded-For', address)
      .send({ username: uniqueName(), password: 'not the password' });
    statuses.push(response.status);
  }
  return statuses;
}

const fiveClients = ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4', '203.0.113.5'];

describe('TRUST_PROXY', () => {
  let testApp: TestApp | undefined;

  afterEach(async () => {
    await testApp?.close();
    testApp = undefined;
  });

  it('set to the hop count: each forwarded client has its own per-IP limit', async () => {
    testApp = await createTestApp({ env: { TRUST_PROXY: '1', RATE_LIMIT_AUTH_PER_IP: AUTH_PER_IP } });
    expect(await loginsFrom(testApp, fiveClients)).toEqual([401, 401, 401, 401, 401]);
    // The same client again and again still meets its own limit.
    expect(await loginsFrom(testApp, Array(4).fill('198.51.100.9'))).toEqual([401, 401, 401, 429]);
  });

  it('set to the balancer subnet: forwarded clients are told apart', async () => {
    testApp = await createTestApp({
      env: { TRUST_PROXY: '127.0.0.0/8,::1', RATE_LIMIT_AUTH_PER_IP: AUTH_PER_IP },
    });
    expect(await loginsFrom(testApp, fiveClients)).toEqual([401, 401, 401, 401, 401]);
  });

  it('unset: a spoofed X-Forwarded-For is ignored and the peer address counts', async () => {
    testApp = await createTestApp({ env: { RATE_LIMIT_AUTH_PER_IP: AUTH_PER_IP } });
    expect(await loginsFrom(testApp, fiveClients)).toEqual([401, 401, 401, 429, 429]);
  });

  it('set to a subnet the peer is not in: X-Forwarded-For is ignored', async () => {
    testApp = await createTestApp({ env: { TRUST_PROXY: '10.0.0.0/8', RATE_LIMIT_AUTH_PER_IP: AUTH_PER_IP } });
    expect(await loginsFrom(testApp, fiveClients)).toEqual([401, 401, 401, 429, 429]);
  });
});
