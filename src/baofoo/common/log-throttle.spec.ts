import { describe, expect, it } from '@jest/globals';
import { LogThrottle } from './log-throttle.ts';

describe('LogThrottle', () => {
  it('writes the first line at once, holds back the rest of the window, and counts them in the next line', () => {
    let now = 1_000;
    const throttle = new LogThrottle(10_000, () => now);
    expect(throttle.line('a')).toBe('a');
    now += 1;
    expect(throttle.line('b')).toBeNull();
    now += 9_998;
    expect(throttle.line('c')).toBeNull();
    now += 1;
    expect(throttle.line('d')).toBe('d (and 2 more like it in the last 10 s)');
    now += 10_000;
    expect(throttle.line('e')).toBe('e');
  });
});
