import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { OutboxClaimScheduler } from './outbox-claim-scheduler.ts';

/** A pass the test ends when it wants, recording when each one started (fake clock). */
class Passes {
  readonly startedAt: number[] = [];
  private endCurrent: (() => void) | null = null;
  claimStarts: (() => void) | null = null;

  readonly run = (claimStarts: () => void): Promise<void> => {
    this.startedAt.push(Date.now());
    this.claimStarts = claimStarts;
    return new Promise<void>((resolve) => {
      this.endCurrent = resolve;
    });
  };

  get running(): boolean {
    return this.endCurrent !== null;
  }

  /** Ends the pass under way and lets the scheduler react to it. */
  async end(): Promise<void> {
    const end = this.endCurrent;
    this.endCurrent = null;
    end?.();
    await jest.advanceTimersByTimeAsync(0);
  }
}

describe('OutboxClaimScheduler', () => {
  const timing = { pollIntervalMs: 1000, minClaimGapMs: 20 };
  let passes: Passes;
  let scheduler: OutboxClaimScheduler;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    passes = new Passes();
    scheduler = new OutboxClaimScheduler(passes.run, timing, () => Date.now());
  });
  afterEach(() => {
    scheduler.stop();
    jest.useRealTimers();
  });

  it('runs a pass at once on wake()', () => {
    scheduler.wake();

    expect(passes.startedAt).toEqual([1_000_000]);
  });

  it('keeps minClaimGapMs between the starts of passes woken by wakeSoon()', async () => {
    scheduler.wake();
    await passes.end();
    await jest.advanceTimersByTimeAsync(5);

    scheduler.wakeSoon();
    scheduler.wakeSoon();
    await jest.advanceTimersByTimeAsync(14);
    expect(passes.startedAt).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);

    expect(passes.startedAt).toEqual([1_000_000, 1_000_020]);
  });

  it('runs a wakeSoon() at once when the last pass started longer than the gap ago', async () => {
    scheduler.wake();
    await passes.end();
    await jest.advanceTimersByTimeAsync(50);

    scheduler.wakeSoon();

    expect(passes.startedAt).toEqual([1_000_000, 1_000_050]);
  });

  it('runs one more pass, not one per wake-up, after wake-ups that came during a pass', async () => {
    scheduler.wake();
    scheduler.wakeSoon();
    scheduler.wake();
    scheduler.wakeSoon();
    await jest.advanceTimersByTimeAsync(30);
    expect(passes.startedAt).toHaveLength(1);

    await passes.end();
    expect(passes.startedAt).toEqual([1_000_000, 1_000_030]);
    await passes.end();
    await jest.advanceTimersByTimeAsync(timing.pollIntervalMs - 1);

    expect(passes.startedAt).toHaveLength(2);
  });

  it('runs no extra pass for wake-ups that came before the pass’s claim statement started', async () => {
    scheduler.wake();
    scheduler.wakeSoon();
    passes.claimStarts!();
    await passes.end();
    await jest.advanceTimersByTimeAsync(timing.pollIntervalMs - 1);

    expect(passes.startedAt).toHaveLength(1);
  });

  it('polls every pollIntervalMs after the last pass ended, with no wake-up', async () => {
    scheduler.wake();
    await jest.advanceTimersByTimeAsync(300);
    await passes.end();

    await jest.advanceTimersByTimeAsync(timing.pollIntervalMs - 1);
    expect(passes.startedAt).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(passes.startedAt).toEqual([1_000_000, 1_001_300]);
    await passes.end();
    await jest.advanceTimersByTimeAsync(timing.pollIntervalMs);

    expect(passes.startedAt).toEqual([1_000_000, 1_001_300, 1_002_300]);
  });

  it('starts nothing after stop(), and settled() waits for the pass under way', async () => {
    scheduler.wake();
    scheduler.wakeSoon();
    scheduler.stop();
    let settled = false;
    const settling = scheduler.settled().then(() => {
      settled = true;
    });
    await jest.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);

    await passes.end();
    await settling;
    scheduler.wake();
    scheduler.wakeSoon();
    await jest.advanceTimersByTimeAsync(10 * timing.pollIntervalMs);

    expect(passes.startedAt).toHaveLength(1);
    expect(passes.running).toBe(false);
  });
});
