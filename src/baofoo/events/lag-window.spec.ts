import { describe, expect, it } from '@jest/globals';
import { LagWindow } from './lag-window.ts';

describe('LagWindow', () => {
  it('has no percentile before any sample', () => {
    expect(new LagWindow().percentile(99)).toBeNull();
  });

  it('gives nearest-rank percentiles of its samples', () => {
    const window = new LagWindow(1000);
    for (let ms = 1; ms <= 100; ms++) window.record(ms, 0);

    expect(window.percentile(50, 0)).toBe(50);
    expect(window.percentile(99, 0)).toBe(99);
    expect(window.percentile(100, 0)).toBe(100);
  });

  it('forgets samples older than its age limit', () => {
    const window = new LagWindow(10, 1000);
    window.record(5000, 0);
    window.record(20, 1500);

    expect(window.percentile(99, 1800)).toBe(20);
  });

  it('keeps only the newest samples once full', () => {
    const window = new LagWindow(3);
    for (const ms of [100, 200, 3, 4, 5]) window.record(ms, 0);

    expect(window.percentile(100, 0)).toBe(5);
    expect(window.percentile(1, 0)).toBe(3);
  });
});
