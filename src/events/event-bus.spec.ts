import { describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { EventBus } from './event-bus.js';

const read = { readerId: 2, senderId: 1, upToId: 7, readAt: '2026-01-01T00:00:00.000Z' };

describe('EventBus', () => {
  it('hands each published event to every listener of its name, and only those', () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.on('chat.read', (event) => void seen.push(`a:${event.upToId}`));
    bus.on('chat.read', (event) => void seen.push(`b:${event.upToId}`));
    bus.on('broadcast.sent', () => void seen.push('broadcast'));
    bus.publish('chat.read', read);
    expect(seen).toEqual(['a:7', 'b:7']);
  });

  it('keeps a failing listener, sync or async, from the publisher and the other listeners', async () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const bus = new EventBus();
    const seen: number[] = [];
    bus.on('chat.read', () => {
      throw new Error('sync failure');
    });
    bus.on('chat.read', () => Promise.reject(new Error('async failure')));
    bus.on('chat.read', (event) => void seen.push(event.upToId));
    expect(() => bus.publish('chat.read', read)).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([7]);
  });
});
