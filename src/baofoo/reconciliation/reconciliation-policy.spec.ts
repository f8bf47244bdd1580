import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { backoffSeconds, judgePending, leaseSeconds, nextQueryAt, readSettled, reviewNextQueryAt, sendDeadline, type ReconciliationTimings } from './reconciliation-policy.ts';

const T0 = new Date('2026-03-01T10:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const timings: ReconciliationTimings = { batchSize: 50, concurrency: 4, queryTimeoutMs: 10_000, graceSeconds: 1800, maxAgeSeconds: 86_400, maxBackoffSeconds: 1800 };

describe('the claim lease', () => {
  it('is a minute and a margin of 5 s plus the longest a batch can take to reach its last order', () => {
    expect(leaseSeconds({ batchSize: 50, concurrency: 4, queryTimeoutMs: 10_000 })).toBe(65 + 13 * 10);
    expect(leaseSeconds({ batchSize: 40, concurrency: 8, queryTimeoutMs: 2000 })).toBe(75);
    expect(leaseSeconds({ batchSize: 1, concurrency: 1, queryTimeoutMs: 1500 })).toBe(67);
  });

  it('ends more than a minute after the send deadline, which no query of a batch on time misses', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 120_000 }), (batchSize, concurrency, queryTimeoutMs) => {
        const lease = leaseSeconds({ batchSize, concurrency, queryTimeoutMs });
        const deadline = sendDeadline(T0, lease);
        expect(at(lease).getTime() - deadline.getTime()).toBe(65_000);
        // The last round of the batch starts after all the others timed out.
        expect(deadline.getTime()).toBeGreaterThanOrEqual(T0.getTime() + (Math.ceil(batchSize / concurrency) - 1) * queryTimeoutMs);
      }),
    );
  });
});

describe('the backoff between queries of one order', () => {
  it('starts at a minute and doubles up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((n) => backoffSeconds(n, 1800))).toEqual([60, 120, 240, 480, 960, 1800, 1800, 1800]);
  });

  it('never shrinks from one attempt to the next and never drops below a minute', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 0, max: 100_000 }), (n, cap) => {
        expect(backoffSeconds(n, cap)).toBeGreaterThanOrEqual(60);
        expect(backoffSeconds(n + 1, cap)).toBeGreaterThanOrEqual(backoffSeconds(n, cap));
      }),
    );
  });
});

describe('the next query time', () => {
  it('is the send time plus the backoff when no deadline comes sooner', () => {
    expect(nextQueryAt(at(60), 1, T0, 'P', timings)).toEqual(at(120));
    expect(nextQueryAt(at(300), 3, T0, null, timings)).toEqual(at(540));
  });

  it('moves up to the grace time for an N so the order expires on time', () => {
    expect(nextQueryAt(at(1500), 6, T0, 'N', timings)).toEqual(at(1800));
    expect(nextQueryAt(at(1500), 6, T0, 'P', timings)).toEqual(at(3300));
  });

  it('moves up to the maximum age for a P, but never closer than a minute', () => {
    const t = { ...timings, maxAgeSeconds: 4000 };
    expect(nextQueryAt(at(3000), 7, T0, 'P', t)).toEqual(at(4000));
    expect(nextQueryAt(at(3970), 7, T0, 'P', t)).toEqual(at(3970 + 1800));
  });

  it('is never within a minute of the query it follows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 1, max: 40 }), fc.constantFrom('P' as const, 'N' as const, null), (sent, n, r) => {
        expect(nextQueryAt(at(sent), n, T0, r, timings).getTime() - at(sent).getTime()).toBeGreaterThanOrEqual(60_000);
      }),
    );
  });
});

describe('a P or N answer for a pending order', () => {
  it('waits while the order is young', () => {
    expect(judgePending('N', T0, at(1799), timings)).toEqual({ kind: 'later' });
    expect(judgePending('P', T0, at(86_399), timings)).toEqual({ kind: 'later' });
  });

  it('expires an unknown order once the grace time has passed', () => {
    expect(judgePending('N', T0, at(1800), timings)).toMatchObject({ kind: 'expire', reason: expect.stringContaining('grace 1800 s') });
  });

  it('expires an unknown order and sends a still-processing one to review past the maximum age', () => {
    expect(judgePending('N', T0, at(86_400), timings)).toMatchObject({ kind: 'expire', reason: expect.stringContaining('maximum age') });
    expect(judgePending('P', T0, at(86_400), timings)).toMatchObject({ kind: 'review', reason: expect.stringContaining('processing') });
  });
});

describe('an answer about a settled order', () => {
  it('agrees with a PAID order when the gateway reports the same amount paid', () => {
    expect(readSettled({ status: 'PAID', factMoney: 100 }, { checkResult: 'Y', succMoney: 100 }, false)).toEqual({ kind: 'agrees' });
  });

  it('is a mismatch when the gateway reports another amount or a failure for a PAID order', () => {
    expect(readSettled({ status: 'PAID', factMoney: 100 }, { checkResult: 'Y', succMoney: 90 }, false)).toMatchObject({ kind: 'mismatch', reason: expect.stringContaining('90 fen') });
    expect(readSettled({ status: 'PAID', factMoney: 100 }, { checkResult: 'F', succMoney: 0 }, true)).toMatchObject({ kind: 'mismatch', reason: expect.stringContaining('failed') });
  });

  it('is a mismatch when the gateway does not know a PAID order, unless the answer may predate the settlement', () => {
    expect(readSettled({ status: 'PAID', factMoney: 100 }, { checkResult: 'N', succMoney: 0 }, false).kind).toBe('mismatch');
    expect(readSettled({ status: 'PAID', factMoney: 100 }, { checkResult: 'P', succMoney: 0 }, true).kind).toBe('nothing');
  });

  it('says nothing about a REVIEW order awaiting money that the gateway still reports as processing, and flags an unknown one', () => {
    expect(readSettled({ status: 'REVIEW', factMoney: null }, { checkResult: 'P', succMoney: 0 }, false).kind).toBe('nothing');
    expect(readSettled({ status: 'REVIEW', factMoney: null }, { checkResult: 'N', succMoney: 0 }, false).kind).toBe('mismatch');
  });

  it('agrees with a FAILED order on F and an EXPIRED one on F or N, and says nothing otherwise', () => {
    expect(readSettled({ status: 'FAILED', factMoney: null }, { checkResult: 'F', succMoney: 0 }, false).kind).toBe('agrees');
    expect(readSettled({ status: 'EXPIRED', factMoney: null }, { checkResult: 'N', succMoney: 0 }, false).kind).toBe('agrees');
    expect(readSettled({ status: 'FAILED', factMoney: null }, { checkResult: 'P', succMoney: 0 }, false).kind).toBe('nothing');
  });

  it('is a mismatch when a REVIEW order recorded another amount than the gateway reports', () => {
    expect(readSettled({ status: 'REVIEW', factMoney: 120 }, { checkResult: 'Y', succMoney: 100 }, false).kind).toBe('mismatch');
    expect(readSettled({ status: 'REVIEW', factMoney: 120 }, { checkResult: 'Y', succMoney: 120 }, false).kind).toBe('agrees');
  });
});

describe('re-querying a REVIEW order awaiting money', () => {
  const t = { maxAgeSeconds: 86_400, maxBackoffSeconds: 1800 };
  const T0 = new Date('2025-11-25T00:00:00Z');
  const at = (s: number) => new Date(T0.getTime() + s * 1000);

  it('asks again after the backoff while within one more maximum age', () => {
    expect(reviewNextQueryAt(at(86_400), 20, T0, t)).toEqual(at(86_400 + 1800));
  });

  it('asks a last time at the end of the window, and never after it', () => {
    expect(reviewNextQueryAt(at(2 * 86_400 - 600), 20, T0, t)).toEqual(at(2 * 86_400));
    expect(reviewNextQueryAt(at(2 * 86_400 - 30), 20, T0, t)).toBeNull();
    expect(reviewNextQueryAt(at(3 * 86_400), 1, T0, t)).toBeNull();
  });
});
