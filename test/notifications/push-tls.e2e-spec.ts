/*
 * TLS to a push service is verified as usual (issue 21): a push service whose certificate comes from a private CA
 * is refused by an instance that does not trust that CA (nothing reaches it; the push waits in the queue), and
 * reached by one that trusts it through NODE_EXTRA_CA_CERTS, never by turning verification off. The CA and the
 * push service's certificate (for 127.0.0.1) are made here with the machine's openssl.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import webPush from 'web-push';
import { findFreePort } from '../../src/database/embedded-postgres.js';
import { type ServiceProcess, startServiceProcess, waitFor } from '../faults/service-process.js';
import { post, signup } from '../support/process-api.js';
import { PushService } from '../support/push-service.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** A CA, and a certificate it signed for 127.0.0.1: what a push service behind a private CA presents. */
function privateCa(dir: string): { caFile: string; key: string; cert: string } {
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const p256 = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...p256,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    '1',
    '-subj',
    '/CN=Parley test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=keyCertSign',
  );
  openssl('req', ...p256, '-keyout', file('push.key'), '-out', file('push.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(file('push.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(
    'x509',
    '-req',
    '-in',
    file('push.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-out',
    file('push.pem'),
    '-days',
    '1',
    '-extfile',
    file('push.ext'),
  );
  return {
    caFile: file('ca.pem'),
    key: readFileSync(file('push.key'), 'utf8'),
    cert: readFileSync(file('push.pem'), 'utf8'),
  };
}

describe('TLS to push services', () => {
  let dir: string;
  let database: TestDatabase;
  let pushService: PushService;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parley-push-tls-'));
    database = await createTestDatabase();
  });

  afterAll(async () => {
    for (const service of services) await service.kill().catch(() => undefined);
    await pushService?.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a certificate it does not trust, and delivers once an instance trusts its CA', async () => {
    const { caFile, key, cert } = privateCa(dir);
    const vapid = webPush.generateVAPIDKeys();
    pushService = await PushService.start({ vapidPublicKey: vapid.publicKey, tls: { key, cert } });
    const env = {
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: 'mailto:ops@example.com',
      // Loopback is allowed for the test's push service; https is what is under test.
      PUSH_ALLOW_INSECURE_ENDPOINTS: 'true',
      PUSH_DELAY_MS: '0',
      PUSH_RETRY_DELAY_SECONDS: '1',
    };

    const untrusting = await startServiceProcess(database.url, await findFreePort(), env);
    services.push(untrusting);
    await waitFor(async () => (await fetch(`${untrusting.url}/health/ready`)).ok, 30_000);
    const [alice, bob] = [await signup(untrusting.url), await signup(untrusting.url)];
    const browser = pushService.subscribe();
    expect(browser.json.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/push\//);
    expect((await post(untrusting.url, '/push/subscriptions', browser.json, bob.token)).status).toBe(201);
    const response = await post(
      untrusting.url,
      '/send',
      { user_id: bob.id, message: 'over verified TLS' },
      alice.token,
    );
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: number };

    // The first attempt and a retry fail at the handshake (the retry's job records why): nothing reaches the push
    // service.
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await waitFor(async () => {
        const { rows } = await client.query(
          "SELECT 1 FROM pgboss.job WHERE name = 'push-delivery' AND output::text ~* 'certificate|issuer'",
        );
        return rows.length > 0;
      }, 20_000);
    } finally {
      await client.end();
    }
    expect(pushService.received).toEqual([]);
    await untrusting.terminate();

    const trusting = await startServiceProcess(database.url, await findFreePort(), {
      ...env,
      NODE_EXTRA_CA_CERTS: caFile,
    });
    services.push(trusting);
    const push = await pushService.waitFor(() => true, 30_000);
    expect(push.status).toBe(201);
    expect(push.payload).toMatchObject({ type: 'message.new', message_id: id, sender_id: alice.id });
    expect(pushService.problems).toEqual([]);
  }, 90_000);
});
