import type { LedgerEntry } from './ledger-entry.ts';
import { OVERFLOW_SOURCE, RefusalTally, type NotedRefusal } from './refusal-tally.ts';

const T0 = Date.parse('2026-11-25T04:00:00.000Z');

function refusal(sourceIp: string, atMs: number, reasonCode = 'SIGNATURE_INVALID'): NotedRefusal {
  return {
    at: new Date(atMs),
    sourceIp,
    reasonCode,
    method: 'POST',
    rawBody: `body from ${sourceIp}`,
    sample: () => ({ sourceIp, reasonCode, rawBody: `body from ${sourceIp}` }) as LedgerEntry,
  };
}

describe('RefusalTally', () => {
  const limits = { windowMs: 60_000, samplesPerSource: 3, maxSources: 4, maxPendingSamples: 10 };

  it('keeps the first refusals of a source whole and counts all of them in one row per window and reason', () => {
    const tally = new RefusalTally(limits);
    for (let i = 0; i < 1000; i++) tally.note(refusal('6.6.6.6', T0 + i));
    tally.note(refusal('6.6.6.6', T0 + 5, 'IP_NOT_ALLOWED'));
    const { counts, samples } = tally.drain();
    expect(samples).toHaveLength(3);
    expect(counts.map((c) => [c.sourceIp, c.reasonCode, c.count])).toEqual([
      ['6.6.6.6', 'SIGNATURE_INVALID', 1000],
      ['6.6.6.6', 'IP_NOT_ALLOWED', 1],
    ]);
    expect(counts[0]).toMatchObject({ windowStart: new Date(T0), firstSeenAt: new Date(T0), lastSeenAt: new Date(T0 + 999), sampleBody: 'body from 6.6.6.6' });
  });

  it('starts a new row and a new sample budget in the next window', () => {
    const tally = new RefusalTally(limits);
    for (let i = 0; i < 5; i++) tally.note(refusal('6.6.6.6', T0 + i));
    for (let i = 0; i < 5; i++) tally.note(refusal('6.6.6.6', T0 + 60_000 + i));
    const { counts, samples } = tally.drain();
    expect(counts.map((c) => [c.windowStart.getTime() - T0, c.count])).toEqual([
      [0, 5],
      [60_000, 5],
    ]);
    expect(samples).toHaveLength(6);
  });

  it('counts sources beyond the limit together, without samples, so memory stays bounded', () => {
    const tally = new RefusalTally(limits);
    for (let i = 0; i < 10_000; i++) tally.note(refusal(`10.0.${i >> 8}.${i & 255}`, T0 + 1));
    const { counts, samples } = tally.drain();
    expect(counts).toHaveLength(5);
    expect(counts.find((c) => c.sourceIp === OVERFLOW_SOURCE)?.count).toBe(10_000 - 4);
    expect(counts.reduce((n, c) => n + c.count, 0)).toBe(10_000);
    expect(samples).toHaveLength(4);
  });

  it('holds at most maxPendingSamples samples between two drains', () => {
    const tally = new RefusalTally({ ...limits, maxSources: 100 });
    for (let i = 0; i < 50; i++) tally.note(refusal(`10.0.0.${i}`, T0));
    expect(tally.drain().samples).toHaveLength(10);
  });

  it('takes back what a failed write could not store, adding it to what arrived since', () => {
    const tally = new RefusalTally(limits);
    tally.note(refusal('6.6.6.6', T0));
    const { counts, samples } = tally.drain();
    tally.note(refusal('6.6.6.6', T0 + 10));
    tally.restore(counts, samples);
    const again = tally.drain();
    expect(again.counts.map((c) => c.count)).toEqual([2]);
    expect(again.samples).toHaveLength(2);
    expect(tally.pendingRows).toBe(0);
  });
});
