/*
 * Causal positions: for each user, the WAL position of the last commit that concerned them (their own writes and
 * the writes addressed to them), and one global position for writes that concern everyone (a broadcast). A read
 * for a user may run on a replica only once that replica has replayed past the greater of the two. Reads of the
 * user directory (GET /users) also wait for the directory's position: the last signup, login or logout, which
 * changes who is listed, and as what, for every reader, but changes no one's chats.
 *
 * Kept in Redis when REDIS_URL is set, so a write on one instance is honoured by a read on any other (as GitLab's
 * load balancer keeps its write locations); in this process otherwise (one instance, one worker: the environment
 * refuses replicas with several workers and no Redis). A position expires after POSITION_TTL_MS: by then every
 * replica still serving anyone has replayed past it (see positionTtlMs).
 */
import type { Redis } from 'ioredis';
import { fromLsnKey, lsnKey } from './lsn.js';

/** Who a write concerns: these users, everyone, or whoever reads the user directory. */
export type Concerned = readonly number[] | 'everyone' | 'directory';

/** A read of something shared, which waits for that thing's position too. */
export type SharedRead = 'directory';

export interface CausalPositions {
  /** Raises the position of everyone `concerned` to `lsn` (never lowers one). */
  record(concerned: Concerned, lsn: bigint): Promise<void>;
  /** The greatest of the user's position, the global one and `shared`'s; 0n when none is recorded. */
  positionOf(userId: number, shared?: SharedRead): Promise<bigint>;
}

/**
 * How long a position is kept: GitLab keeps 30 s. Longer than a replica may lag and still serve (maxLagMs), twice
 * over: when a position expires, any replica under the lag bound has replayed past it, so a user with no position
 * left reads no older state than their last write.
 */
export function positionTtlMs(maxLagMs: number): number {
  return Math.max(30_000, 2 * maxLagMs + 1_000);
}

const GLOBAL_KEY = 'parley:lsn:all';
const DIRECTORY_KEY = 'parley:lsn:directory';
const userKey = (userId: number) => `parley:lsn:user:${userId}`;

function keysOf(concerned: Concerned): string[] {
  if (concerned === 'everyone') return [GLOBAL_KEY];
  if (concerned === 'directory') return [DIRECTORY_KEY];
  return concerned.map(userKey);
}

// Raise, never lower: two writes of one user on two instances may record their positions in either order.
// Positions are fixed-width hexadecimal (lsnKey), so comparing them as strings compares the positions.
const RAISE = `
for _, key in ipairs(KEYS) do
  local current = redis.call('GET', key)
  if not current or current < ARGV[1] then
    redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
  else
    redis.call('PEXPIRE', key, ARGV[2])
  end
end
return 0`;

export class RedisPositions implements CausalPositions {
  constructor(
    private readonly redis: Redis,
    private readonly ttlMs: number,
  ) {}

  async record(concerned: Concerned, lsn: bigint): Promise<void> {
    const keys = keysOf(concerned);
    if (keys.length > 0) await this.redis.eval(RAISE, keys.length, ...keys, lsnKey(lsn), this.ttlMs);
  }

  async positionOf(userId: number, shared?: SharedRead): Promise<bigint> {
    const keys = [userKey(userId), GLOBAL_KEY];
    if (shared === 'directory') keys.push(DIRECTORY_KEY);
    const values = await this.redis.mget(keys);
    return values.reduce((max, value) => (value !== null && fromLsnKey(value) > max ? fromLsnKey(value) : max), 0n);
  }
}

interface Held {
  lsn: bigint;
  expiresAt: number;
}

export class MemoryPositions implements CausalPositions {
  private readonly users = new Map<number, Held>();
  private everyone: Held | undefined;
  private directory: Held | undefined;
  private nextSweep = 0;

  constructor(private readonly ttlMs: number) {}

  record(concerned: Concerned, lsn: bigint): Promise<void> {
    const now = Date.now();
    const held = { lsn, expiresAt: now + this.ttlMs };
    if (concerned === 'everyone') {
      this.everyone = raised(this.everyone, held, now);
    } else if (concerned === 'directory') {
      this.directory = raised(this.directory, held, now);
    } else {
      for (const userId of concerned) this.users.set(userId, raised(this.users.get(userId), held, now));
    }
    this.sweep(now);
    return Promise.resolve();
  }

  positionOf(userId: number, shared?: SharedRead): Promise<bigint> {
    const now = Date.now();
    const held = [live(this.users.get(userId), now), live(this.everyone, now)];
    if (shared === 'directory') held.push(live(this.directory, now));
    return Promise.resolve(held.reduce((max, lsn) => (lsn > max ? lsn : max), 0n));
  }

  /** Drops expired positions now and then, so the map holds only the users who wrote within a TTL. */
  private sweep(now: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + this.ttlMs;
    for (const [userId, held] of this.users) if (held.expiresAt <= now) this.users.delete(userId);
  }
}

function live(held: Held | undefined, now: number): bigint {
  return held && held.expiresAt > now ? held.lsn : 0n;
}

function raised(current: Held | undefined, next: Held, now: number): Held {
  return current && current.expiresAt > now && current.lsn > next.lsn
    ? { ...current, expiresAt: next.expiresAt }
    : next;
}
