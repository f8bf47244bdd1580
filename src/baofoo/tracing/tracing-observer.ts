import type { Attributes } from '@opentelemetry/api';
import { NO_OBSERVER, type BaofooObserver, type ObservedEvent, type ObservedLedgerRow } from '../common/observation/baofoo-observer.ts';
import { SPAN_ATTRIBUTES as A, type SpanRunner } from './baofoo-tracer.ts';

function ledgerAttributes(ledger: ObservedLedgerRow | null, events: readonly ObservedEvent[]): Attributes {
  const attributes: Attributes = { [A.eventIds]: events.map((e) => e.event_id) };
  if (ledger?.transId) attributes[A.transId] = ledger.transId;
  if (ledger?.verdict) attributes[A.verdict] = ledger.verdict;
  return attributes;
}

/**
 * The observation points as spans: a notification, each settlement statement
 * (the ledger row and events it wrote), reconciliation runs and on-demand
 * queries, gateway queries and relay passes. Scopes nest, so a settlement's
 * span is a child of its notification's.
 */
export function tracingObserver(span: SpanRunner): BaofooObserver {
  return {
    ...NO_OBSERVER,
    notification: (fields, handle) =>
      span('baofoo.notification', { [A.transId]: fields.TransID ?? '', [A.memberId]: fields.MemberID ?? '' }, handle, (answer) => ({ 'http.response.status_code': answer.status })),
    settlementStatement: (statement, ledger, events, write) =>
      span(`baofoo.settlement.${statement}`, ledgerAttributes(ledger, events), write, (won) => ({ [A.outcome]: won ? 'written' : 'lost' })),
    reconciliationRun: (run) => span('baofoo.reconciliation.run', {}, run, (result) => ({ [A.count]: result.claimed })),
    orderReconciled: (transId, reconcile) => span('baofoo.reconciliation.reconcile', { [A.transId]: transId }, reconcile, (outcome) => ({ [A.outcome]: outcome.kind })),
    gatewayQuery: (target, query) => span('baofoo.gateway.query', { [A.transId]: target.transId, [A.memberId]: target.memberId }, query),
    relayPass: (pass) => span('baofoo.outbox.relay_claim', {}, pass),
    bridgeBatch: (events, publish) => span('baofoo.bridge.publish', { [A.count]: events }, publish),
  };
}
