/*
 * Issue 24's walkthrough, as a person would try it: a primary and a streaming replica, two instances of Parley
 * sharing Redis and reading from the replica, the reference web client in a browser window on each (Alice on the
 * first instance, Bob on the second). Replay is paused for most of the session and resumed near its end; the person
 * must notice nothing: live messages, unread counts, read receipts, a reload, an offline catch-up through /sync.
 * Screenshots in test-output/replicas-web-client/.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import * as prom from 'prom-client';
import { ReplicaReads } from '../../src/database/replicas/replica-reads.js';
import { collectMetrics } from '../../src/observability/metrics.js';
import { launchChromium } from '../support/browser.js';
import { startReplicaCluster, type ReplicaCluster } from '../support/replica-cluster.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { chatWith, connection, gone, message, messages, send, shown, signUp } from '../web/web-client-harness.js';
import { startWebDevServer, type WebDevServer } from '../web/web-dev-server.js';

const REDIS_URL = 'redis://127.0.0.1:6379/8';
const SCREENSHOTS = fileURLToPath(new URL('../../test-output/replicas-web-client/', import.meta.url));

async function readsOn(target: 'primary' | 'replica'): Promise<number> {
  const metric = prom.register.getSingleMetric('db_reads_total');
  const { values } = (await metric?.get()) ?? { values: [] };
  return values.filter((sample) => sample.labels.target === target).reduce((sum, sample) => sum + sample.value, 0);
}

describe('the web client on two instances reading from a replica that is paused and resumed', () => {
  let cluster: ReplicaCluster;
  let browser: Browser;
  const apps: TestApp[] = [];
  const webs: WebDevServer[] = [];
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  /** An instance on the primary, reading from the replica, positions in Redis, and the web client in front of it. */
  async function instance(): Promise<WebDevServer> {
    const app = await createTestApp({
      database: { url: cluster.primaryUrl, drop: () => Promise.resolve() },
      env: { DATABASE_REPLICA_URLS: cluster.replicaUrl, REDIS_URL, REPLICA_POLL_INTERVAL_MS: '20' },
    });
    apps.push(app);
    await app.app.listen(0, '127.0.0.1');
    const { port } = app.app.getHttpServer().address() as AddressInfo;
    const web = await startWebDevServer(`http://127.0.0.1:${port}`);
    webs.push(web);
    return web;
  }

  async function openPage(web: WebDevServer): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(web.url);
    return { context, page };
  }

  /** Until every instance has seen the replica caught up, so reads with no newer position go there. */
  async function replicaServing(): Promise<void> {
    await cluster.waitForReplay();
    const deadline = Date.now() + 10_000;
    const caughtUp = (app: TestApp) => {
      const [replica] = app.app.get(ReplicaReads).status();
      return replica?.up === true && !replica.paused && replica.lagMs !== undefined && replica.lagMs < 1_000;
    };
    while (!apps.every(caughtUp)) {
      if (Date.now() > deadline) throw new Error('The instances did not see the replica caught up');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await collectMetrics();
    cluster = await startReplicaCluster();
    const redis = new Redis(REDIS_URL);
    await redis.flushdb(); // positions of an earlier run belong to another cluster's WAL
    redis.disconnect();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    for (const web of webs) await web.stop();
    for (const app of apps) await app.close();
    await cluster?.resumeReplay().catch(() => undefined);
    await cluster?.stop();
  }, 60_000);

  const texts = (page: Page) => messages(page).locator('.text').allTextContents();
  const screenshot = (page: Page, name: string) => page.screenshot({ path: `${SCREENSHOTS}${name}.png` });

  /** A reload keeps the session (sessionStorage) and loads the chat list from the server again. */
  const reload = async (page: Page) => {
    await page.reload();
    await shown(connection(page).filter({ hasText: 'Live' }));
  };
  /** Reloads, opens the chat with `peer` and waits for `last` in it: both lists read again from the server. */
  const reopen = async (page: Page, peer: string, last: string) => {
    await reload(page);
    await chatWith(page, peer).click();
    await shown(message(page, last));
  };

  it('shows each person every message, count and receipt, on either instance, with replay paused and resumed', async () => {
    const [aliceWeb, bobWeb] = [await instance(), await instance()];
    const alice = await openPage(aliceWeb);
    const bob = await openPage(bobWeb);
    await replicaServing();
    await cluster.pauseReplay();
    const primaryReads = await readsOn('primary');
    await signUp(alice.page, 'alice_replica');
    await signUp(bob.page, 'bob_replica');
    // Alice finds Bob among the people online (the replica has not replayed his signup: the directory's position
    // sends her list to the primary) and writes; Bob, on the other instance, sees it live and unread.
    await alice.page.getByRole('button', { name: 'Start a chat' }).click();
    await alice.page.getByRole('list', { name: 'Online now' }).getByRole('button', { name: 'bob_replica' }).click();
    await send(alice.page, 'Hello, bob');
    await shown(chatWith(bob.page, 'alice_replica').getByLabel('1 unread'));
    // Bob opens it: the history load reads what the paused replica does not have; Alice sees the receipt.
    await chatWith(bob.page, 'alice_replica').click();
    await shown(message(bob.page, 'Hello, bob'));
    await shown(message(alice.page, 'Hello, bob').getByText('Read'));
    await send(bob.page, 'Hi alice');
    await shown(message(alice.page, 'Hi alice'));
    await screenshot(bob.page, '01-bob-replay-paused');

    // Bob reloads: the chat list and the history come from the server again, still with replay paused.
    await reload(bob.page);
    await shown(chatWith(bob.page, 'alice_replica'));
    expect(
      await chatWith(bob.page, 'alice_replica')
        .getByLabel(/unread/)
        .count(),
    ).toBe(0);
    await chatWith(bob.page, 'alice_replica').click();
    await shown(message(bob.page, 'Hi alice'));
    expect(await texts(bob.page)).toEqual(['Hello, bob', 'Hi alice']);

    // Bob goes offline; Alice writes twice; back online, /sync and the history bring both, in order.
    await bob.context.setOffline(true);
    await shown(connection(bob.page).filter({ hasText: 'Offline' }));
    await send(alice.page, 'While you were away (1)');
    await send(alice.page, 'While you were away (2)');
    await bob.context.setOffline(false);
    await shown(connection(bob.page).filter({ hasText: 'Live' }));
    await shown(message(bob.page, 'While you were away (2)'));
    expect(await texts(bob.page)).toEqual([
      'Hello, bob',
      'Hi alice',
      'While you were away (1)',
      'While you were away (2)',
    ]);
    await shown(message(alice.page, 'While you were away (2)').getByText('Read'));
    await screenshot(bob.page, '02-bob-caught-up-replay-paused');
    // Those reads could not use the paused replica: the primary answered them.
    expect(await readsOn('primary')).toBeGreaterThan(primaryReads);

    // Replay resumes: the same session goes on, and the replica serves reads again.
    await cluster.resumeReplay();
    await replicaServing();
    const replicaReads = await readsOn('replica');
    await send(alice.page, 'Replay is back');
    await shown(message(bob.page, 'Replay is back'));
    await reopen(alice.page, 'bob_replica', 'Replay is back');
    expect(await texts(alice.page)).toEqual([
      'Hello, bob',
      'Hi alice',
      'While you were away (1)',
      'While you were away (2)',
      'Replay is back',
    ]);
    await gone(chatWith(alice.page, 'bob_replica').getByLabel(/unread/));
    await screenshot(alice.page, '03-alice-after-resume');
    await new Promise((resolve) => setTimeout(resolve, 200)); // past the writes' positions, a poll or two
    await reopen(alice.page, 'bob_replica', 'Replay is back');
    expect(await readsOn('replica')).toBeGreaterThan(replicaReads);
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
