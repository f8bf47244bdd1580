import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { LeaseHeartbeat } from './lease-heartbeat.ts';
import type { EventClaim } from './outbox-store.ts';

const EVERY_MS = 100;

/** A renewal the test answers when it wants, with the ids the database no longer held for this relay. */
class Renewals {
  readonly sent: EventClaim[][] = [];
  private answer: ((gone: Set<string>) => void) | null = null;

  readonly renew = (claims: EventClaim[]): Promise<Set<string>> => {
    this.sent.push(claims);
    return new Promise((resolve) => {
      this.answer = resolve;
    });
  };

  async answerWith(gone: string[]): Promise<void> {
    this.answer?.(new Set(gone));
    this.answer = null;
    await jest.advanceTimersByTimeAsync(0);
  }
}

describe('LeaseHeartbeat', () => {
  let renewals: Renewals;
  let lost: string[];
  let heartbeat: LeaseHeartbeat;

  beforeEach(() => {
    jest.useFakeTimers();
    renewals = new Renewals();
    lost = [];
    heartbeat = new LeaseHeartbeat(renewals.renew, EVERY_MS, (ids) => lost.push(...ids), new Logger('test'));
  });
  afterEach(async () => {
    // stop() waits for a renewal under way: answer it.
    const stopped = heartbeat.stop();
    await renewals.answerWith([]);
    await stopped;
    jest.useRealTimers();
  });

  it('reports a claim the renewal no longer found while it is still held', async () => {
    heartbeat.hold({ id: '1', claims: 1 });
    await jest.advanceTimersByTimeAsync(EVERY_MS);
    expect(renewals.sent).toEqual([[{ id: '1', claims: 1 }]]);
    await renewals.answerWith(['1']);
    expect(lost).toEqual(['1']);
  });

  it('lets a claim go only after a renewal under way that names it, and does not report it lost', async () => {
    heartbeat.hold({ id: '1', claims: 1 });
    heartbeat.hold({ id: '2', claims: 3 });
    await jest.advanceTimersByTimeAsync(EVERY_MS);
    let released = false;
    const release = heartbeat.release('1').then(() => (released = true));
    await jest.advanceTimersByTimeAsync(0);
    // The finish must not be sent while a renewal that names the claim may still land after it.
    expect(released).toBe(false);
    // The finish raced the renewal in the database: the renewal found event 1 finished.
    await renewals.answerWith(['1']);
    await release;
    expect(lost).toEqual([]);
    // The next beat renews only what is still held.
    await jest.advanceTimersByTimeAsync(EVERY_MS);
    expect(renewals.sent.at(-1)).toEqual([{ id: '2', claims: 3 }]);
  });

  it('lets a claim go at once when no renewal is under way', async () => {
    heartbeat.hold({ id: '1', claims: 1 });
    await heartbeat.release('1');
    await jest.advanceTimersByTimeAsync(3 * EVERY_MS);
    expect(renewals.sent).toEqual([]);
  });
});
