import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage } from 'node:http';
import { originAllowed } from './realtime-io.adapter.js';

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
