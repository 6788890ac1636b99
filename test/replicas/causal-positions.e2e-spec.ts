/* The causal positions in Redis (what several instances share), against a real Redis. */
import { Redis } from 'ioredis';
import { RedisPositions } from '../../src/database/replicas/causal-positions.js';
import { parseLsn } from '../../src/database/replicas/lsn.js';

const REDIS_URL = 'redis://127.0.0.1:6379/15';

describe('causal positions in Redis', () => {
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    await redis.flushdb();
  });

  afterAll(() => redis.disconnect());

  it('are raised, never lowered, comparing positions as numbers, not as the text PostgreSQL prints', async () => {
    const positions = new RedisPositions(redis, 30_000);
    await positions.record([1, 2], parseLsn('10/0'));
    // As text '9/FF' > '10/0': a lower position recorded later must not win.
    await positions.record([1], parseLsn('9/FF'));
    expect(await positions.positionOf(1)).toBe(parseLsn('10/0'));
    await positions.record([2], parseLsn('10/1'));
    expect(await positions.positionOf(2)).toBe(parseLsn('10/1'));
    expect(await positions.positionOf(3)).toBe(0n);
    expect(await redis.pttl('parley:lsn:user:1')).toBeGreaterThan(29_000);
  });

  it('count the global position for everyone', async () => {
    const positions = new RedisPositions(redis, 30_000);
    await positions.record('everyone', parseLsn('20/0'));
    expect(await positions.positionOf(1)).toBe(parseLsn('20/0'));
    expect(await positions.positionOf(99)).toBe(parseLsn('20/0'));
  });

  it("count the directory's position only for reads of the directory", async () => {
    await redis.flushdb();
    const positions = new RedisPositions(redis, 30_000);
    await positions.record([1], parseLsn('30/0'));
    await positions.record('directory', parseLsn('31/0'));
    expect(await positions.positionOf(1)).toBe(parseLsn('30/0'));
    expect(await positions.positionOf(1, 'directory')).toBe(parseLsn('31/0'));
    expect(await positions.positionOf(2, 'directory')).toBe(parseLsn('31/0'));
  });
});
