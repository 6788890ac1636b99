/*
 * Hostile handshakes and frames on the socket: odd tokens and headers, frames
 * of every wrong shape, oversized frames, and property-based payloads. A
 * refusal is the API error shape; a bad frame gets a 4xx acknowledgement or is
 * dropped; nothing crashes, and nothing disconnects but an oversized frame.
 */
import fc from 'fast-check';
import { io } from 'socket.io-client';
import { signupUser, type TestUser } from '../support/factories.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import {
  connectSocket,
  disconnection,
  listen,
  nextEvent,
  openSocket,
  refusalOf,
  type TestSocket,
} from '../realtime/sockets.js';

describe('hostile sockets', () => {
  let testApp: TestApp;
  let url: string;
  let alice: TestUser;
  let bob: TestUser;
  let socket: TestSocket;

  const stillServing = async () => {
    await testApp.api().get('/health').expect(200);
    const arrived = nextEvent(socket, 'typing');
    const peer = await connectSocket(url, bob.token);
    expect(await peer.emitWithAck('typing', { user_id: alice.id, typing: true })).toEqual({ ok: true });
    expect(await arrived).toEqual({ user_id: bob.id, typing: true });
    peer.close();
  };

  beforeAll(async () => {
    testApp = await createTestApp();
    url = await listen(testApp);
    [alice, bob] = [await signupUser(testApp), await signupUser(testApp)];
    socket = await connectSocket(url, alice.token);
  });

  afterAll(async () => {
    socket.close();
    await testApp.close();
  }, 30_000);

  it('answers a plain io(url), which starts with long-polling, with the one-line fix', async () => {
    const client = io(url, { auth: { token: alice.token }, forceNew: true });
    const refusals: (Error & { data?: unknown })[] = [];
    client.on('connect_error', (error) => refusals.push(error));
    // Long enough for Socket.IO's first reconnection attempt (1–1.5 s), had it made one.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    client.close();
    expect(refusals).toHaveLength(1);
    const [refusal] = refusals;
    expect(refusal.message).toContain("io(url, { transports: ['websocket'] })");
    expect(refusal.data).toEqual({ statusCode: 400, error: 'Bad Request', message: refusal.message });
    // Any other polling request: the same error, as JSON.
    const polled = await testApp.api().post('/socket.io/').query({ EIO: 4, transport: 'polling', sid: 'x' });
    expect(polled.status).toBe(400);
    expect(polled.body).toEqual(refusal.data);
    await stillServing();
  }, 30_000);

  it('refuses odd tokens with 401 in the API error shape', async () => {
    const tokens: unknown[] = [
      42,
      { token: 'x' },
      ['a'],
      null,
      true,
      'a'.repeat(10_000),
      '\ud800'.repeat(43),
      "' OR 1=1 --",
    ];
    for (const token of tokens) {
      const client = io(url, {
        transports: ['websocket'],
        auth: { token } as object,
        reconnection: false,
        forceNew: true,
      });
      const refusal = await refusalOf(client);
      expect(refusal.data).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.any(String) });
    }
    for (const authorization of ['Bearer', 'Bearer  ', `Basic ${alice.token}`, `Bearer ${'x'.repeat(4_000)}`]) {
      const refusal = await refusalOf(openSocket(url, undefined, { headers: { Authorization: authorization } }));
      expect(refusal.data?.statusCode).toBe(401);
    }
    await stillServing();
  }, 30_000);

  it('answers frames of every wrong shape with 400, never a disconnect', async () => {
    const payloads: unknown[] = [
      undefined,
      null,
      42,
      'typing',
      [],
      { user_id: bob.id },
      { user_id: bob.id, typing: 'yes' },
      { user_id: -1, typing: true },
      { user_id: 1e308, typing: true },
      { user_id: '\ud800', typing: true },
      JSON.parse('['.repeat(4_000) + ']'.repeat(4_000)),
      { user_id: bob.id, typing: true, nested: JSON.parse('{"a":'.repeat(1_000) + '1' + '}'.repeat(1_000)) },
      Buffer.from([1, 2, 3]),
    ];
    for (const payload of payloads) {
      const answer = await socket.emitWithAck('typing', payload as never);
      expect(answer).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      const watch = await socket.emitWithAck('presence.watch', payload as never);
      expect(watch).toMatchObject({ statusCode: 400 });
    }
    // An own "__proto__" key is dropped by class-transformer, not merged into any prototype.
    const pollution = JSON.parse(`{"user_id": ${bob.id}, "typing": true, "__proto__": {"polluted": 1}}`) as never;
    expect(await socket.emitWithAck('typing', pollution)).toEqual({ ok: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // No acknowledgement asked, an unknown event, extra arguments: dropped quietly.
    (socket as unknown as { emit: (...args: unknown[]) => void }).emit('typing', { user_id: bob.id, typing: true });
    (socket as unknown as { emit: (...args: unknown[]) => void }).emit('no.such.event', { a: 1 });
    (socket as unknown as { emit: (...args: unknown[]) => void }).emit('typing', 1, 2, 3);
    expect(socket.connected).toBe(true);
    await stillServing();
  }, 30_000);

  it('answers any JSON payload with ok or a 4xx, never a 5xx (property-based)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (payload) => {
        const answer = (await socket.emitWithAck('presence.watch', payload as never)) as { statusCode?: number };
        return answer.statusCode === undefined || (answer.statusCode >= 400 && answer.statusCode < 500);
      }),
      { numRuns: 100 },
    );
    expect(socket.connected).toBe(true);
  }, 30_000);

  it('closes the connection that sends a frame over 16 KiB, and only that one', async () => {
    const victim = await connectSocket(url, bob.token);
    const closed = disconnection(victim);
    (victim as unknown as { emit: (...args: unknown[]) => void }).emit('typing', { padding: 'x'.repeat(20_000) });
    expect(await closed).toBe('transport close');
    expect(socket.connected).toBe(true);
    await stillServing();
  }, 30_000);
});
