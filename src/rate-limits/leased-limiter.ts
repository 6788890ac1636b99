import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * A lease is this share of a limit (rounded up): 6 of 600 sends a minute. Every other process may hold up to a
 * lease less one of a user's points unused when the shared counter runs out, so a user may be refused that many
 * requests early on one process while another still holds some (never more than the limit).
 */
export const LEASE_SHARE = 0.01;

/** The points of a limit that one lease takes from the shared counter; 1 (no lease) under 200 points. */
export function leaseSize(points: number): number {
  return Math.max(1, Math.floor(points * LEASE_SHARE));
}

interface Lease {
  points: number;
  /** When the shared counter's window ends: no point of a lease outlives the window it was counted in. */
  expiresAt: number;
  /** Fewer than a lease were left in the shared counter: from here on to the window's end, ask for each request. */
  exact: boolean;
}

/**
 * A counter shared by processes (the primary's memory, or Redis), spent here a lease at a time: the first request
 * of a key in a window takes a lease of points from the shared counter, and the next ones spend it in this process
 * without asking. A send then crosses to the primary (or Redis) about once per user, window and worker instead of
 * every time; with two workers on two cores that round trip was 8% of the send rate.
 *
 * What it keeps: no key gets more than the limit in a window, whichever processes answer (a lease is counted when
 * taken, and dies with the window it was counted in). What it gives up: a request may be refused while another
 * process still holds part of a lease for the same key, at most a lease less one point per other process. Near the
 * limit (fewer than a lease left) it asks for every request, and small limits (under 200 points: auth, edits,
 * reports) take no lease: they are exact, as they were.
 */
export class LeasedLimiter {
  private readonly leases = new Map<string, Lease>();
  /** A key's lease being taken: a second request of the key waits for it instead of taking another. */
  private readonly taking = new Map<string, Promise<void>>();

  constructor(
    private readonly shared: RateLimiterAbstract,
    private readonly lease = leaseSize(shared.points),
  ) {}

  async consume(key: string, points = 1): Promise<void> {
    for (;;) {
      const lease = this.leases.get(key);
      if (lease && lease.expiresAt > Date.now() && lease.points >= points) {
        lease.points -= points;
        return;
      }
      const taking = this.taking.get(key);
      if (!taking) break;
      await taking.catch(() => undefined);
    }
    const taking = this.take(key, points);
    this.taking.set(key, taking);
    try {
      await taking;
    } finally {
      this.taking.delete(key);
    }
  }

  /** Takes this request's points, and a lease's worth more unless the counter is near its limit. */
  private async take(key: string, points: number): Promise<void> {
    const now = Date.now();
    this.forgetExpired(now);
    const current = this.leases.get(key);
    const exact = this.lease === 1 || (current !== undefined && current.expiresAt > now && current.exact);
    const asked = exact ? points : Math.max(points, this.lease);
    let refused = false;
    let answer: RateLimiterRes;
    try {
      answer = await this.shared.consume(key, asked);
    } catch (rejection) {
      if (asked === points || !(rejection instanceof RateLimiterRes)) throw rejection;
      // A refused lease was counted all the same: give it back, and from here on ask for each request alone.
      await this.shared.reward(key, asked);
      this.keep(key, { points: 0, expiresAt: now + rejection.msBeforeNext, exact: true });
      refused = true;
      answer = await this.shared.consume(key, points);
    }
    this.keep(key, {
      points: refused ? 0 : asked - points,
      expiresAt: now + answer.msBeforeNext,
      exact: exact || refused || answer.remainingPoints < this.lease,
    });
  }

  /* Re-inserted, so the map stays in about the order leases end and forgetExpired stops at the first live one. */
  private keep(key: string, lease: Lease): void {
    this.leases.delete(key);
    this.leases.set(key, lease);
  }

  private forgetExpired(now: number): void {
    for (const [key, lease] of this.leases) {
      if (lease.expiresAt > now) return;
      this.leases.delete(key);
    }
  }
}
