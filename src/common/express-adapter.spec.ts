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
