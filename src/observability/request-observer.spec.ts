import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import express from 'express';
import request from 'supertest';
import { currentRequestId } from './request-context.js';
import { observeRequests, reenterRequestContext } from './request-observer.js';

function appWith(options: Parameters<typeof observeRequests>[0] = {}) {
  const app = express();
  app.use(observeRequests(options));
  app.use(express.json());
  app.use(reenterRequestContext);
  // What a handler deep in the app sees, after the body parser resumed the request from the socket.
  app.post('/echo/:id', (_request, response) => {
    setImmediate(() => response.json({ seen: currentRequestId() ?? null }));
  });
  return app;
}

describe('observeRequests', () => {
  it('carries the request id past the body parser into the handler and its callbacks', async () => {
    const response = await request(appWith()).post('/echo/1').set('X-Request-Id', 'abc-1').send({ a: 1 });
    expect(response.body).toEqual({ seen: 'abc-1' });
    expect(response.headers['x-request-id']).toBe('abc-1');
  });

  it('reports duration by route pattern and status, and logs an access line at the chosen level', async () => {
    const observed: unknown[][] = [];
    const debug = jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    try {
      await request(appWith({ accessLogLevel: 'debug', observeDuration: (...args) => observed.push(args) }))
        .post('/echo/42?token=secret')
        .set('X-Request-Id', 'abc-2')
        .send({});
      expect(observed).toEqual([['POST', '/echo/:id', 200, expect.any(Number)]]);
      expect(debug).toHaveBeenCalledWith(expect.stringMatching(/^POST \/echo\/:id 200 [\d.]+ ms$/), {
        method: 'POST',
        route: '/echo/:id',
        status: 200,
        duration_ms: expect.any(Number),
        request_id: 'abc-2',
      });
    } finally {
      debug.mockRestore();
    }
  });
});
