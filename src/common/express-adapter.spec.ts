import type { Express, Request } from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { PrototypeStableExpressAdapter } from './express-adapter.js';

describe('PrototypeStableExpressAdapter', () => {
  let server: Server;
  let app: Express;
  let url: string;
  const prototypesOnArrival: object[] = [];

  beforeAll(async () => {
    const adapter = new PrototypeStableExpressAdapter();
    adapter.initHttpServer({});
    app = adapter.getInstance<Express>();
    app.get('/echo', (request: Request, response) => {
      response.json({ query: request.query, path: request.path });
    });
    server = adapter.getHttpServer();
    // Runs before Express's own listener: the request as Node's server built it.
    server.prependListener('request', (request: object) => prototypesOnArrival.push(Object.getPrototypeOf(request)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('builds each request on the prototype Express would give it, so Express has nothing to swap', async () => {
    await fetch(`${url}/echo`);
    expect(prototypesOnArrival).toHaveLength(1);
    expect(prototypesOnArrival[0]).toBe(app.request);
  });

  it('keeps what Express adds to requests and responses', async () => {
    const response = await fetch(`${url}/echo?name=user_2`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ query: { name: 'user_2' }, path: '/echo' });
  });
});

describe('PrototypeStableExpressAdapter.close', () => {
  it('waits for a handler whose client has gone to end its response (Nest closes the database next)', async () => {
    const adapter = new PrototypeStableExpressAdapter();
    adapter.initHttpServer({});
    const app = adapter.getInstance<Express>();
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // Stands for a handler waiting on the database when its client drops the connection.
    app.get('/slow', async (_request: Request, response) => {
      arrived();
      await released;
      response.json({ done: true });
    });
    const server = adapter.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const abort = new AbortController();
    const request = fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`, {
      signal: abort.signal,
    }).catch(() => 'aborted');
    await arrival;
    abort.abort();
    expect(await request).toBe('aborted');

    let closed = false;
    const closing = adapter.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(closed).toBe(false);
    release();
    await closing;
    expect(closed).toBe(true);
  });
});
