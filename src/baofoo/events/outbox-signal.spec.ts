import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { OUTBOX_CHANNEL } from './outbox.constants.ts';
import type { LocalRelay } from './outbox-reservation.ts';
import { OutboxSignal } from './outbox-signal.ts';

/** A database that records each statement and answers when the test says so. */
class HeldDatabase {
  readonly sent: { sql: string; params: readonly unknown[] }[] = [];
  private answers: { resolve: () => void; reject: (e: unknown) => void }[] = [];

  query(sql: string, params: readonly unknown[] = []): Promise<never[]> {
    this.sent.push({ sql, params });
    return new Promise((resolve, reject) => this.answers.push({ resolve: () => resolve([]), reject }));
  }

  async answer(error?: Error): Promise<void> {
    const next = this.answers.shift()!;
    if (error) next.reject(error);
    else next.resolve();
    // Lets the signal's then/finally run, however many turns they take: the fake clock yields to the real event loop.
    await jest.advanceTimersByTimeAsync(0);
  }
}

/** A relay with no slot to spare: it takes wake-ups only. */
function wakingOnly(wake: () => void): LocalRelay {
  return { wake, reserve: () => 0, adopt: () => undefined, giveBack: () => undefined, leaseMs: 10_000 };
}

describe('OutboxSignal', () => {
  let db: HeldDatabase;
  let signal: OutboxSignal;

  beforeEach(() => {
    jest.useFakeTimers();
    db = new HeldDatabase();
    signal = new OutboxSignal(db as never, { minClaimGapMs: 20 });
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('wakes the relay of its own process and sends no NOTIFY while one is attached', () => {
    let wakes = 0;
    signal.attach(wakingOnly(() => (wakes += 1)));

    signal.committed();
    signal.committed();

    expect(wakes).toBe(2);
    expect(db.sent).toEqual([]);
  });

  it('sends one NOTIFY for a burst of commits, and one more after the gap for the commits that came meanwhile', async () => {
    signal.committed();
    signal.committed();
    signal.committed();
    expect(db.sent).toEqual([{ sql: `SELECT pg_notify($1, '')`, params: [OUTBOX_CHANNEL] }]);

    await db.answer();
    jest.advanceTimersByTime(19);
    expect(db.sent).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(db.sent).toHaveLength(2);

    await db.answer();
    jest.advanceTimersByTime(20);
    expect(db.sent).toHaveLength(2);
  });

  it('wakes the relay, and notifies, outside the committing caller’s async context, so nothing they start inherits its deadline', () => {
    const deadline = new AsyncLocalStorage<string>();
    const seen: (string | undefined)[] = [];
    const detach = signal.attach(wakingOnly(() => seen.push(deadline.getStore())));
    const notifying = new OutboxSignal({ query: async () => (seen.push(deadline.getStore()), []) } as never, { minClaimGapMs: 20 });

    deadline.run('request deadline', () => {
      signal.committed();
      detach();
      notifying.committed();
    });

    expect(seen).toEqual([undefined, undefined]);
  });

  it('notifies the other processes again once the relay of its own process has detached', () => {
    let wakes = 0;
    const detach = signal.attach(wakingOnly(() => (wakes += 1)));
    signal.committed();

    detach();
    signal.committed();

    expect(wakes).toBe(1);
    expect(db.sent).toHaveLength(1);
  });

  it('logs a failed NOTIFY once, not per commit, and tries again at the next commit after the gap', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);

    signal.committed();
    await db.answer(new Error('connection refused'));
    jest.advanceTimersByTime(20);
    signal.committed();
    await db.answer(new Error('connection refused'));

    expect(db.sent).toHaveLength(2);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/could not NOTIFY the relays \(they find the events at their next poll\): .*connection refused/);
  });
});
