/*
 * Real sockets for e2e tests, opened as a frontend team would: the SDK's connectLive, typed by the
 * events it generates from asyncapi.json, so a contract bug a client would hit fails these tests.
 */
import { connectLive, type LiveSocket, type ServerToClientEvents } from '@parley/client';
import type { ErrorResponseDto } from '../../src/common/error-response.dto.js';
import type { TestApp } from '../support/test-app.js';

export type TestSocket = LiveSocket;
export type ServerEvent = keyof ServerToClientEvents;
export type Payload<E extends ServerEvent> = Parameters<ServerToClientEvents[E]>[0];

const WAIT_MS = 10_000;

/** Serves the test app on a free port (sockets need a listening server) and returns its URL. */
export async function listen(testApp: TestApp): Promise<string> {
  await testApp.app.listen(0, '127.0.0.1');
  return testApp.app.getUrl();
}

export function openSocket(
  url: string,
  token: string | undefined,
  options: { headers?: Record<string, string>; reconnection?: boolean } = {},
): TestSocket {
  return connectLive(url, token ?? '', {
    auth: token === undefined ? {} : { token },
    extraHeaders: options.headers,
    reconnection: options.reconnection ?? false,
    forceNew: true,
  });
}

function withTimeout<T>(what: string, executor: (resolve: (value: T) => void, reject: (error: Error) => void) => void) {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), WAIT_MS);
    executor(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** A socket that has connected (rejects with the refusal otherwise). */
export async function connectSocket(url: string, token: string | undefined, options = {}): Promise<TestSocket> {
  const socket = openSocket(url, token, options);
  await withTimeout<void>('connect', (resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** The refusal of a handshake: connect_error's message and `data` (the API error shape when the server refused). */
export async function refusalOf(socket: TestSocket): Promise<Error & { data?: ErrorResponseDto }> {
  try {
    return await withTimeout('connect_error', (resolve, reject) => {
      socket.once('connect', () => reject(new Error('connected, but a refusal was expected')));
      socket.once('connect_error', resolve);
    });
  } finally {
    socket.close();
  }
}

export function nextEvent<E extends ServerEvent>(socket: TestSocket, event: E): Promise<Payload<E>> {
  return withTimeout(`${event} on ${socket.id}`, (resolve) => {
    socket.once(event as 'message.new', resolve);
  });
}

/** The reason the server gave when it closed the socket. */
export function disconnection(socket: TestSocket): Promise<string> {
  return withTimeout(`disconnect of ${socket.id}`, (resolve) => socket.once('disconnect', resolve));
}

/** Every event a socket receives, in order, to assert on what did not arrive. */
export class Inbox {
  readonly events: [string, unknown][] = [];

  constructor(readonly socket: TestSocket) {
    socket.onAny((event: string, payload: unknown) => this.events.push([event, payload]));
  }

  named(event: ServerEvent): unknown[] {
    return this.events.filter(([name]) => name === event).map(([, payload]) => payload);
  }
}
