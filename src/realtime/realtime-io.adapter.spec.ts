import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage } from 'node:http';
import { findFreePort } from '../database/embedded-postgres.js';
import { originAllowed, StreamsAdapterClient } from './realtime-io.adapter.js';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
const allowed = ['https://app.example.com'];

describe('originAllowed', () => {
  it('lets clients that send no Origin (apps, servers) through', () => {
    expect(originAllowed(request({ host: 'api.example.com' }), [])).toBe(true);
  });

  it('lets a listed origin and the API’s own origin through', () => {
    expect(originAllowed(request({ host: 'api.example.com', origin: 'https://app.example.com' }), allowed)).toBe(true);
    expect(originAllowed(request({ host: 'api.example.com', origin: 'https://api.example.com' }), allowed)).toBe(true);
  });

  it('refuses any other origin, a look-alike or garbage', () => {
    for (const origin of ['https://evil.example', 'https://app.example.com.evil.example', 'null', '::not a url::']) {
      expect(originAllowed(request({ host: 'api.example.com', origin }), allowed)).toBe(false);
    }
  });
});

describe('StreamsAdapterClient', () => {
  it('closing while Redis is unreachable leaves no unhandled rejection of the SUBSCRIBE the adapter never awaits', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const client = new StreamsAdapterClient({ port: await findFreePort(), enableOfflineQueue: true });
      client.on('error', () => undefined);
      // What the adapter does with its subscriber copy: subscribe and go on without awaiting.
      const subscriber = client.duplicate();
      subscriber.on('error', () => undefined);
      void subscriber.subscribe('socket.io#/#');
      // Closing while the copy is still connecting flushes its queue with "Connection is closed.".
      client.closeAll();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });
});
