/*
 * Live updates across processes, as deployed: 2 workers (cluster adapter, no
 * Redis), 2 instances sharing Redis (streams adapter), Redis going down and
 * coming back, and an instance SIGKILLed while its clients are connected.
 */
import pg from 'pg';
import { findFreePort } from '../../src/database/embedded-postgres.js';
import { type ServiceProcess, startServiceProcess, waitFor } from '../faults/service-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { post, type ProcessUser, signup } from '../support/process-api.js';
import { OwnRedis, send, startBalancer } from './processes.js';
import { connectSocket, disconnection, Inbox, nextEvent, type TestSocket } from './sockets.js';

const occurrences = (text: string, needle: string) => text.split(needle).length - 1;

describe('live updates across processes', () => {
  let database: TestDatabase;
  const services: ServiceProcess[] = [];
  const sockets: TestSocket[] = [];

  const start = async (env: Record<string, string>, workers = 1) => {
    const service = await startServiceProcess(database.url, await findFreePort(), {
      ...env,
      WEB_CONCURRENCY: String(workers),
    });
    services.push(service);
    await waitFor(() => Promise.resolve(occurrences(service.logs(), 'Connected;') === workers), 30_000);
    return service;
  };
  const open = async (url: string, user: ProcessUser, options = {}) => {
    const socket = await connectSocket(url, user.token, options);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await Promise.all(services.splice(0).map((service) => service.terminate()));
  });

  afterAll(() => database.drop());

  it('reach every socket of a user spread over 2 workers, and logout everywhere ends them all', async () => {
    const service = await start({}, 2);
    const [alice, bob] = [await signup(service.url), await signup(service.url)];
    // node:cluster hands connections to the workers in turn: 6 sockets land on both.
    const bobSockets = await Promise.all(Array.from({ length: 6 }, () => open(service.url, bob)));
    const arrivals = bobSockets.map((socket) => nextEvent(socket, 'message.new'));
    const sent = await send(service.url, alice, bob, 'across workers');
    for (const payload of await Promise.all(arrivals)) expect(payload.id).toBe(sent.id);
    const ended = bobSockets.map((socket) =>
      Promise.all([nextEvent(socket, 'session.revoked'), disconnection(socket)]),
    );
    expect((await post(service.url, '/logout?all=true', {}, bob.token)).status).toBe(204);
    for (const [event] of await Promise.all(ended)) expect(event).toEqual({ reason: 'logout_all' });
  }, 90_000);

  it('across 2 workers, reach a socket with the first message sent once it is connected, as sockets come and go', async () => {
    // The primary copies an event only to workers holding a socket in its rooms (worker-rooms.ts): a socket that
    // has just connected, on either worker, must already count there, after bob's room emptied and filled again.
    const service = await start({}, 2);
    const [alice, bob] = [await signup(service.url), await signup(service.url)];
    for (let round = 0; round < 8; round++) {
      const socket = await open(service.url, bob);
      const arrival = nextEvent(socket, 'message.new');
      const sent = await send(service.url, alice, bob, `round ${round}`);
      expect((await arrival).id).toBe(sent.id);
      socket.close();
    }
  }, 90_000);

  it('reach sockets on another instance through Redis, and so do session ends', async () => {
    // A database index of its own, so no other run's stream is read.
    const env = { REDIS_URL: 'redis://127.0.0.1:6379/11' };
    const [one, two] = [await start(env), await start(env)];
    const [alice, bob] = [await signup(one.url), await signup(one.url)];
    const [bobOnTwo, aliceOnTwo] = [await open(two.url, bob), await open(two.url, alice)];
    const arrivals = [nextEvent(bobOnTwo, 'message.new'), nextEvent(aliceOnTwo, 'message.new')];
    const sent = await send(one.url, alice, bob, 'across instances');
    for (const payload of await Promise.all(arrivals)) expect(payload.id).toBe(sent.id);
    const revoked = nextEvent(bobOnTwo, 'session.revoked');
    const closed = disconnection(bobOnTwo);
    expect((await post(one.url, '/logout', {}, bob.token)).status).toBe(204);
    expect(await revoked).toEqual({ reason: 'logout' });
    expect(await closed).toBe('io server disconnect');
  }, 90_000);

  it('carry a block, a suspension and an account deletion made on one instance to the sockets on another', async () => {
    const env = { REDIS_URL: 'redis://127.0.0.1:6379/9', PRESENCE_GRACE_MS: '100' };
    const [one, two] = [await start(env), await start(env)];
    const [alice, bob, carol, moderator] = [
      await signup(one.url),
      await signup(one.url),
      await signup(one.url),
      await signup(one.url),
    ];
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(`UPDATE users SET role = 'moderator' WHERE id = $1`, [moderator.id]);
    await admin.end();
    const call = (url: string, method: string, path: string, token: string, body?: object) =>
      fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body && JSON.stringify(body),
      });

    // Bob, on instance two, watches Alice and Carol; Alice blocks him through instance one.
    const bobOnTwo = await open(two.url, bob);
    const bobInbox = new Inbox(bobOnTwo);
    expect(await bobOnTwo.emitWithAck('presence.watch', { user_ids: [alice.id, carol.id] })).toEqual({ ok: true });
    expect((await call(one.url, 'PUT', `/blocks/${bob.id}`, alice.token)).status).toBe(204);
    await waitFor(async () => {
      bobInbox.events.length = 0;
      // Alice coming online on two is announced there first: Bob, on the same instance, must not hear it.
      const aliceOnTwo = await open(two.url, alice);
      const carolOnline = nextEvent(bobOnTwo, 'presence');
      const carolOnTwo = await open(two.url, carol);
      await carolOnline;
      aliceOnTwo.close();
      carolOnTwo.close();
      return bobInbox.named('presence').every((event) => (event as { user_id: number }).user_id !== alice.id);
    }, 5_000);

    // A moderator on one suspends Bob (through a report); his socket on two ends with the reason.
    const reported = await post(one.url, '/reports', { user_id: bob.id, reason: 'spam' }, carol.token);
    const { id: reportId } = (await reported.json()) as { id: number };
    const revoked = nextEvent(bobOnTwo, 'session.revoked');
    const closed = disconnection(bobOnTwo);
    const resolved = await post(
      one.url,
      `/moderation/reports/${reportId}/resolve`,
      { action: 'suspend_user' },
      moderator.token,
    );
    expect(resolved.status).toBe(200);
    expect(await revoked).toEqual({ reason: 'suspended' });
    expect(await closed).toBe('io server disconnect');
    expect((await call(two.url, 'GET', '/current_user', bob.token)).status).toBe(401);

    // Carol deletes her account on one; her socket on two ends, and her token works on neither.
    const carolOnTwo = await open(two.url, carol);
    const gone = nextEvent(carolOnTwo, 'session.revoked');
    const deleted = await call(one.url, 'DELETE', '/current_user', carol.token, { password: 'correct horse battery' });
    expect(deleted.status).toBe(204);
    expect(await gone).toEqual({ reason: 'account_deleted' });
    for (const url of [one.url, two.url])
      expect((await call(url, 'GET', '/current_user', carol.token)).status).toBe(401);
  }, 90_000);

  it("skip the socket a send names in X-Socket-Id on another instance, and reach the sender's other sockets", async () => {
    const env = { REDIS_URL: 'redis://127.0.0.1:6379/14' };
    const [one, two] = [await start(env), await start(env)];
    const [alice, bob] = [await signup(one.url), await signup(one.url)];
    const [aliceOnOne, aliceOnTwo, bobOnTwo] = [
      await open(one.url, alice),
      await open(two.url, alice),
      await open(two.url, bob),
    ];
    const namedInbox = new Inbox(aliceOnTwo);
    const arrivals = [nextEvent(aliceOnOne, 'message.new'), nextEvent(bobOnTwo, 'message.new')];
    const response = await post(one.url, '/send', { user_id: bob.id, message: 'named' }, alice.token, {
      'X-Socket-Id': aliceOnTwo.id!,
    });
    expect(response.status).toBe(201);
    const sent = (await response.json()) as { id: number };
    for (const payload of await Promise.all(arrivals)) expect(payload.id).toBe(sent.id);
    // A later message to the named socket, relayed the same way: whatever came before it has arrived.
    const later = nextEvent(aliceOnTwo, 'message.new');
    const reply = await send(one.url, bob, alice, 'reply');
    expect((await later).id).toBe(reply.id);
    expect(namedInbox.named('message.new').map((event) => (event as { id: number }).id)).toEqual([reply.id]);
  }, 90_000);

  it('with Redis down: sends succeed, the same process still delivers, and across instances it resumes', async () => {
    const redis = new OwnRedis(await findFreePort());
    await redis.start();
    try {
      const env = { REDIS_URL: redis.url };
      const [one, two] = [await start(env), await start(env)];
      const [alice, bob] = [await signup(one.url), await signup(one.url)];
      const aliceOnOne = await open(one.url, alice);
      const bobInbox = new Inbox(await open(two.url, bob));
      await redis.kill();
      const local = nextEvent(aliceOnOne, 'message.new');
      const duringOutage = await send(one.url, alice, bob, 'while Redis is down');
      expect((await local).id).toBe(duringOutage.id);
      await redis.start();
      // Delivery across instances resumes on its own once the adapter's clients have reconnected.
      await waitFor(async () => {
        const sent = await send(one.url, alice, bob, 'after Redis is back');
        await new Promise((resolve) => setTimeout(resolve, 200));
        return bobInbox.named('message.new').some((event) => (event as { id: number }).id === sent.id);
      }, 30_000);
      // What the socket missed, the history has (the reconnect algorithm's catch-up).
      const history = await fetch(`${two.url}/chat/${alice.id}?limit=200`, {
        headers: { authorization: `Bearer ${bob.token}` },
      });
      const ids = ((await history.json()) as { messages: { id: number }[] }).messages.map((message) => message.id);
      expect(ids).toContain(duringOutage.id);
    } finally {
      await redis.kill();
    }
  }, 90_000);

  it('an instance SIGKILLed: its clients reconnect to the survivor and, following the catch-up algorithm, hold every acknowledged message', async () => {
    const env = { REDIS_URL: 'redis://127.0.0.1:6379/12' };
    const [one, two] = [await start(env), await start(env)];
    const balancer = await startBalancer([Number(new URL(one.url).port), Number(new URL(two.url).port)]);
    const get = async <T>(user: ProcessUser, path: string): Promise<T> => {
      const response = await fetch(`${two.url}${path}`, { headers: { authorization: `Bearer ${user.token}` } });
      expect(response.status).toBe(200);
      return (await response.json()) as T;
    };
    try {
      const sender = await signup(two.url);
      const receivers = await Promise.all(Array.from({ length: 3 }, () => signup(two.url)));
      const held = receivers.map(() => new Set<number>());
      // The catch-up algorithm of docs/realtime.md: 1. connect the socket, 2. /sync for a cursor (no history yet: nothing to load).
      const clients = await Promise.all(
        receivers.map(async (receiver, i) => {
          const socket = await open(`http://127.0.0.1:${balancer.port}`, receiver, { reconnection: true });
          socket.on('message.new', (message) => held[i].add(message.id));
          return socket;
        }),
      );
      const cursors = await Promise.all(
        receivers.map(async (receiver) => (await get<{ next_cursor: string }>(receiver, '/sync')).next_cursor),
      );
      const acknowledged = receivers.map(() => new Set<number>());
      const sendRound = async (round: number) => {
        for (const [i, receiver] of receivers.entries()) {
          acknowledged[i].add((await send(two.url, sender, receiver, `round ${round}`)).id);
        }
      };
      for (let round = 0; round < 5; round++) await sendRound(round);
      const reconnected = clients.map(
        (socket) => new Promise<void>((resolve) => socket.io.once('reconnect', () => resolve())),
      );
      await one.kill();
      services.splice(services.indexOf(one), 1);
      for (let round = 5; round < 10; round++) await sendRound(round);
      await Promise.all(reconnected);
      for (let round = 10; round < 15; round++) await sendRound(round);
      // On reconnect: /sync since the stored cursor, then each listed chat's messages after the last one held
      // from REST (live events do not move that mark: they may have a gap below them).
      for (const [i, receiver] of receivers.entries()) {
        const changed = await get<{ chats: { user_id: number }[]; reset: boolean }>(
          receiver,
          `/sync?since=${cursors[i]}`,
        );
        expect(changed.reset).toBe(false);
        expect(changed.chats.map((chat) => chat.user_id)).toEqual([sender.id]);
        let after: number | null = 0;
        while (after !== null) {
          const page: { messages: { id: number }[]; next_cursor: number | null } = await get(
            receiver,
            `/chat/${sender.id}?after=${after}&limit=4`,
          );
          for (const message of page.messages) held[i].add(message.id);
          after = page.next_cursor;
        }
        expect([...acknowledged[i]].filter((id) => !held[i].has(id))).toEqual([]);
      }
    } finally {
      await balancer.close();
    }
  }, 90_000);
});
