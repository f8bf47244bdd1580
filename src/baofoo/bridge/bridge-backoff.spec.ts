import { describe, expect, it } from '@jest/globals';
import { BridgeBackoff } from './bridge-backoff.ts';

describe('BridgeBackoff', () => {
  it('doubles from the first wait up to the cap, and starts over after a success', () => {
    const backoff = new BridgeBackoff(500, 4000, () => 0.5);

    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([500, 1000, 2000, 4000, 4000]);
    backoff.reset();
    expect(backoff.next()).toBe(500);
  });

  it('spreads each wait by at most a fifth, and never beyond the cap', () => {
    const low = new BridgeBackoff(1000, 4000, () => 0);
    const high = new BridgeBackoff(1000, 4000, () => 0.999999);

    expect(low.next()).toBe(800);
    expect(high.next()).toBe(1200);
    for (let i = 0; i < 5; i++) high.next();
    expect(high.next()).toBe(4000);
  });
});
