import { retryPolicy } from './retry-policy.js';

/** The shortest total wait pg-boss can make of a policy (each retry n waits between 1x and 2x of delay * 2^n). */
function shortestTotalSeconds(policy: ReturnType<typeof retryPolicy>): number {
  let total = 0;
  for (let n = 0; n < policy.retryLimit; n++) total += Math.min(policy.retryDelayMax, policy.retryDelay * 2 ** n);
  return total;
}

describe('retryPolicy', () => {
  it('retries the default 24 hours, the first retry within seconds, then growing to at most an hour apart', () => {
    const policy = retryPolicy(24, 5);
    expect(policy).toMatchObject({ retryDelay: 5, retryBackoff: true, retryDelayMax: 3600 });
    expect(shortestTotalSeconds(policy)).toBeGreaterThanOrEqual(24 * 3600);
    // One retry fewer would stop short of the promised hours: the limit is the smallest that covers them.
    expect(shortestTotalSeconds({ ...policy, retryLimit: policy.retryLimit - 1 })).toBeLessThan(24 * 3600);
  });

  it('gives a shorter window fewer retries', () => {
    expect(retryPolicy(1, 5).retryLimit).toBeLessThan(retryPolicy(24, 5).retryLimit);
    expect(shortestTotalSeconds(retryPolicy(1, 5))).toBeGreaterThanOrEqual(3600);
  });
});
