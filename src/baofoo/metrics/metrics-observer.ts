import { NO_OBSERVER, type BaofooObserver, type ObservedQueryOutcome } from '../common/observation/baofoo-observer.ts';
import { BaofooError } from '../protocol/errors.ts';
import type { BaofooMetrics } from './baofoo-metrics.ts';

const seconds = (since: number) => (performance.now() - since) / 1000;

/**
 * The observation points as Prometheus metrics: settlement time of a handled
 * notification, every ledger row and event a settlement statement wrote,
 * refusals counted before a signature, query outcomes and gateway latency.
 */
export function metricsObserver(metrics: BaofooMetrics): BaofooObserver {
  const countOutcomes = (outcomes: readonly ObservedQueryOutcome[]) => {
    for (const o of outcomes) metrics.reconciliationQuery(o.kind);
  };
  return {
    ...NO_OBSERVER,
    async notification(_fields, handle) {
      const started = performance.now();
      const answer = await handle();
      metrics.settled('notification', seconds(started));
      return answer;
    },
    refusedUnverified(reasonCode) {
      metrics.refusedUnverified(reasonCode);
    },
    async settlementStatement(_statement, ledger, events, write) {
      const won = await write();
      if (won) {
        if (ledger) metrics.ledgerWritten(ledger);
        metrics.eventsWritten(events);
      }
      return won;
    },
    async reconciliationRun(run) {
      const result = await run();
      countOutcomes(result.outcomes);
      return result;
    },
    async orderReconciled(_transId, reconcile) {
      const outcome = await reconcile();
      countOutcomes([outcome]);
      return outcome;
    },
    async bridgeBatch(events, publish) {
      try {
        await publish();
        metrics.bridged('confirmed', events);
      } catch (e) {
        metrics.bridged('failed', events);
        throw e;
      }
    },
    async gatewayQuery(_target, query) {
      const started = performance.now();
      try {
        const result = await query();
        metrics.gatewayQuery('answered', seconds(started));
        return result;
      } catch (e) {
        metrics.gatewayQuery(e instanceof BaofooError ? e.code : 'other', seconds(started));
        throw e;
      }
    },
  };
}
