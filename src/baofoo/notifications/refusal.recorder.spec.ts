import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import type { PaymentOrderRepository } from '../orders/payment-order.repository.ts';
import { NotificationRefusal } from './notification-refusal.ts';
import type { RefusalCountStore } from './refusal-count.store.ts';
import { RefusalRecorder } from './refusal.recorder.ts';
import type { RefusalCount, RefusalSample } from './refusal-tally.ts';

/** A store that answers each write with the next of `outcomes` (an error, or undefined for written) and keeps what it was given. */
function scriptedStore(outcomes: (Error | undefined)[]) {
  const writes: { counts: number; samples: number }[] = [];
  const store = {
    async write(counts: readonly RefusalCount[], samples: readonly RefusalSample[]) {
      writes.push({ counts: counts.reduce((n, c) => n + c.count, 0), samples: samples.length });
      const outcome = outcomes.shift();
      if (outcome) throw outcome;
    },
  };
  return { store: store as unknown as RefusalCountStore, writes };
}

const pgError = (message: string, code?: string) => Object.assign(new Error(message), { code });

function recorder(store: RefusalCountStore): RefusalRecorder {
  const options = {
    notification: { refusals: { windowSeconds: 60, samplesPerSource: 5, maxSources: 100, maxPendingSamples: 100, flushIntervalMs: 5000 } },
  } as ResolvedBaofooOptions;
  return new RefusalRecorder(options, () => new Date('2026-12-01T12:00:00Z'), {} as PaymentOrderRepository, store);
}

const refuse = (r: RefusalRecorder) =>
  r.refuseUnverified(new NotificationRefusal('FORM_MALFORMED', 'unparseable', 400, { method: 'POST', sourceIp: '203.0.113.9', rawBody: '{', params: null }));

describe('RefusalRecorder flush', () => {
  it.each([
    [
      'writes the counts without the samples when the ledger refuses a sample as data, and does not try that sample again',
      pgError('value too long for type character varying(8)', '22001'),
      { counts: 1, samples: 0 },
    ],
    ['keeps counts and samples for the next flush when the database fails for another reason', pgError('Connection terminated unexpectedly'), { counts: 1, samples: 1 }],
  ])('%s', async (_name, failure, secondWrite) => {
    const { store, writes } = scriptedStore([failure]);
    const r = recorder(store);
    refuse(r);

    await r.flush();
    await r.flush();

    expect(writes).toEqual([{ counts: 1, samples: 1 }, secondWrite]);
  });
});
