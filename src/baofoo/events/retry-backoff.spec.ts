import { describe, expect, it } from '@jest/globals';
import { DEFAULT_RETRY_BACKOFF, retryDelayMs } from './retry-backoff.ts';

describe('retryDelayMs', () => {
  const exact = { ...DEFAULT_RETRY_BACKOFF, jitter: 0 };

  it('waits one second after the first failure and three times longer after each further one, up to fifteen minutes', () => {
    const schedule = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((attempt) => retryDelayMs(attempt, exact));

    expect(schedule).toEqual([1000, 3000, 9000, 27_000, 81_000, 243_000, 729_000, 900_000, 900_000]);
  });

  it('spreads each wait by the jitter in both directions, never past the cap', () => {
    expect(retryDelayMs(2, DEFAULT_RETRY_BACKOFF, () => 0)).toBe(2400);
    expect(retryDelayMs(2, DEFAULT_RETRY_BACKOFF, () => 1)).toBe(3600);
    expect(retryDelayMs(2, DEFAULT_RETRY_BACKOFF, () => 0.5)).toBe(3000);
    expect(retryDelayMs(20, DEFAULT_RETRY_BACKOFF, () => 1)).toBe(900_000);
  });

  it('follows a custom backoff', () => {
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, { baseMs: 20, factor: 2, maxMs: 100, jitter: 0 }))).toEqual([20, 40, 80, 100]);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses attempt %p', (attempt) => {
    expect(() => retryDelayMs(attempt)).toThrow(RangeError);
  });
});
