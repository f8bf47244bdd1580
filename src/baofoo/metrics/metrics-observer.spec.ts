import { describe, expect, it } from '@jest/globals';
import { BaofooError } from '../protocol/errors.ts';
import type { BaofooMetrics } from './baofoo-metrics.ts';
import { metricsObserver } from './metrics-observer.ts';

/** Metrics that log what they were given, durations left out. */
function recording() {
  const log: unknown[] = [];
  const metrics: BaofooMetrics = {
    ledgerWritten: (entry) => log.push(['ledger', entry.method, entry.toStatus]),
    refusedUnverified: (code) => log.push(['refused', code]),
    eventsWritten: (events) => log.push(['events', events.map((e) => e.type)]),
    settled: (source) => log.push(['settled', source]),
    reconciliationQuery: (outcome) => log.push(['query', outcome]),
    gatewayQuery: (outcome) => log.push(['gateway', outcome]),
    bridged: (outcome, events) => log.push(['bridged', outcome, events]),
  };
  return { log, observer: metricsObserver(metrics) };
}

const ledger = { transId: 'T1', method: 'OPERATOR', verdict: 'applied', reasonCode: null, toStatus: 'PAID' };
const events = [{ event_id: 'e1', type: 'baofoo.payment.succeeded' }];

describe('metricsObserver', () => {
  it('counts the ledger row and events of a statement that wrote them, nothing of one that lost', async () => {
    const { log, observer } = recording();
    await observer.settlementStatement('transition', ledger, events, async () => false);
    expect(log).toEqual([]);
    await observer.settlementStatement('transition', ledger, events, async () => true);
    expect(log).toEqual([['ledger', 'OPERATOR', 'PAID'], ['events', ['baofoo.payment.succeeded']]]);
  });

  it("labels a gateway query by the error's code, and counts each reconciliation outcome", async () => {
    const { log, observer } = recording();
    await expect(observer.gatewayQuery({ transId: 'T1', memberId: 'M1' }, async () => { throw new BaofooError('QUERY_TIMEOUT', 'slow'); })).rejects.toThrow('slow');
    await expect(observer.gatewayQuery({ transId: 'T1', memberId: 'M1' }, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    await observer.reconciliationRun(async () => ({ claimed: 2, outcomes: [{ kind: 'paid' }, { kind: 'later' }] }));
    await observer.orderReconciled('T1', async () => ({ kind: 'too-soon' }));
    expect(log).toEqual([['gateway', 'QUERY_TIMEOUT'], ['gateway', 'other'], ['query', 'paid'], ['query', 'later'], ['query', 'too-soon']]);
  });

  it('times a handled notification only once it answered', async () => {
    const { log, observer } = recording();
    await expect(observer.notification({}, async () => { throw new Error('lost'); })).rejects.toThrow('lost');
    await observer.notification({}, async () => ({ status: 200 }));
    expect(log).toEqual([['settled', 'notification']]);
  });

  it("counts a bridge batch's events as confirmed once published, as failed when the broker did not confirm it", async () => {
    const { log, observer } = recording();
    await observer.bridgeBatch(3, async () => undefined);
    await expect(observer.bridgeBatch(2, async () => { throw new Error('blocked'); })).rejects.toThrow('blocked');
    expect(log).toEqual([['bridged', 'confirmed', 3], ['bridged', 'failed', 2]]);
  });
});
