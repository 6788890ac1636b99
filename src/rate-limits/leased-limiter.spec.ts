import { type IRateLimiterOptions, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { LeasedLimiter, leaseSize } from './leased-limiter.js';

/** The primary's counter (or Redis): a real in-memory limiter, counting how often the processes ask it. */
class SharedCounter extends RateLimiterMemory {
  asked = 0;

  constructor(options: IRateLimiterOptions) {
    super(options);
  }

  override consume(key: string | number, points?: number): Promise<RateLimiterRes> {
    this.asked++;
    return super.consume(key, points);
  }
}

/** Consumes one point; true if allowed, false if refused for the limit. */
async function allowed(limiter: LeasedLimiter, key = 'user-7'): Promise<boolean> {
  try {
    await limiter.consume(key);
    return true;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return false;
    throw rejection;
  }
}

async function countAllowed(requests: number, pick: (n: number) => LeasedLimiter): Promise<number> {
  let count = 0;
  for (let n = 0; n < requests; n++) if (await allowed(pick(n))) count++;
  return count;
}

describe('LeasedLimiter', () => {
  it('takes 1% of a limit a lease, and no lease under 200 points', () => {
    expect(leaseSize(600)).toBe(6);
    expect(leaseSize(1_000_000)).toBe(10_000);
    expect(leaseSize(199)).toBe(1);
    expect(leaseSize(5)).toBe(1);
  });

  it('lets one process spend the whole limit, and refuses the next request with when to retry', async () => {
    const shared = new SharedCounter({ points: 600, duration: 60 });
    const worker = new LeasedLimiter(shared);
    expect(await countAllowed(600, () => worker)).toBe(600);
    const refusal: unknown = await worker.consume('user-7').catch((rejection: unknown) => rejection);
    expect(refusal).toBeInstanceOf(RateLimiterRes);
    expect((refusal as RateLimiterRes).msBeforeNext).toBeGreaterThan(0);
  });

  it('asks the shared counter about once per lease, not once per request', async () => {
    const shared = new SharedCounter({ points: 600, duration: 60 });
    const worker = new LeasedLimiter(shared);
    await countAllowed(300, () => worker);
    expect(shared.asked).toBe(300 / 6);
  });

  it('never lets a key past its limit across processes, and refuses at most a lease less one early', async () => {
    const shared = new SharedCounter({ points: 600, duration: 60 });
    const workers = [new LeasedLimiter(shared), new LeasedLimiter(shared)];
    // Requests spread unevenly, as a client's connections land on workers.
    const count = await countAllowed(1_000, (n) => workers[n % 3 === 0 ? 0 : 1]);
    expect(count).toBeLessThanOrEqual(600);
    expect(count).toBeGreaterThanOrEqual(600 - (leaseSize(600) - 1));
    // Whatever is left in the other process's lease is still its to spend, and not one point more.
    const more = await countAllowed(10, () => workers[0]);
    expect(count + more).toBeLessThanOrEqual(600);
  });

  it('counts a small limit exactly across processes', async () => {
    const shared = new SharedCounter({ points: 10, duration: 60 });
    const workers = [new LeasedLimiter(shared), new LeasedLimiter(shared)];
    expect(await countAllowed(10, (n) => workers[n % 2])).toBe(10);
    expect(await allowed(workers[0])).toBe(false);
    expect(await allowed(workers[1])).toBe(false);
  });

  it('gives back a lease that no longer fits, and takes only the point the request needs', async () => {
    const shared = new SharedCounter({ points: 201, duration: 60 });
    const [first, second] = [new LeasedLimiter(shared), new LeasedLimiter(shared)];
    expect(await countAllowed(196, () => first)).toBe(196); // 98 leases of 2, all spent: 5 points left
    expect(await countAllowed(4, () => second)).toBe(4); // two leases: 1 point left
    expect(await allowed(first)).toBe(true); // a lease of 2 refused and given back; the last point taken
    expect(await allowed(first)).toBe(false);
    expect(await allowed(second)).toBe(false);
  });

  it('takes one lease for the requests of a key that arrive together', async () => {
    const shared = new SharedCounter({ points: 600, duration: 60 });
    const worker = new LeasedLimiter(shared);
    await Promise.all(Array.from({ length: 6 }, () => worker.consume('user-7')));
    expect(shared.asked).toBe(1);
  });

  it('lets no point of a lease outlive the window it was counted in', async () => {
    const shared = new SharedCounter({ points: 200, duration: 1 });
    const [first, second] = [new LeasedLimiter(shared), new LeasedLimiter(shared)];
    expect(await allowed(first)).toBe(true); // a lease of 2: one point left in the first process
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await countAllowed(200, () => second)).toBe(200);
    expect(await allowed(first)).toBe(false);
  });

  it('keeps keys apart', async () => {
    const shared = new SharedCounter({ points: 100, duration: 60 });
    const worker = new LeasedLimiter(shared);
    expect(await countAllowed(100, () => worker)).toBe(100);
    expect(await allowed(worker, 'user-8')).toBe(true);
  });
});
