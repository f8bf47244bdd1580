import { NO_OBSERVER, type BaofooObserver } from './baofoo-observer.ts';

/** Both observers: `outer`'s scopes run around `inner`'s, facts go to both. A no-op side is dropped. */
export function bothObservers(outer: BaofooObserver, inner: BaofooObserver): BaofooObserver {
  if (outer === NO_OBSERVER) return inner;
  if (inner === NO_OBSERVER) return outer;
  return {
    notification: (fields, handle) => outer.notification(fields, () => inner.notification(fields, handle)),
    refusedUnverified(reasonCode) {
      outer.refusedUnverified(reasonCode);
      inner.refusedUnverified(reasonCode);
    },
    settlementStatement: (statement, ledger, events, write) =>
      outer.settlementStatement(statement, ledger, events, () => inner.settlementStatement(statement, ledger, events, write)),
    reconciliationRun: (run) => outer.reconciliationRun(() => inner.reconciliationRun(run)),
    orderReconciled: (transId, reconcile) => outer.orderReconciled(transId, () => inner.orderReconciled(transId, reconcile)),
    gatewayQuery: (target, query) => outer.gatewayQuery(target, () => inner.gatewayQuery(target, query)),
    relayPass: (pass) => outer.relayPass(() => inner.relayPass(pass)),
    bridgeBatch: (events, publish) => outer.bridgeBatch(events, () => inner.bridgeBatch(events, publish)),
  };
}
