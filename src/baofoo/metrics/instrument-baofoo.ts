import type { Attributes } from '@opentelemetry/api';
import type { OutboxEntry } from '../events/outbox-entry.ts';
import type { LedgerEntry } from '../notifications/ledger-entry.ts';
import type { NotificationRefusal } from '../notifications/notification-refusal.ts';
import type { NotificationAnswer, VerifiedNotification } from '../notifications/inbound-notification.ts';
import type { QueryTarget } from '../reconciliation/gateway-query.client.ts';
import type { QueryOutcome, ReconciliationRun } from '../reconciliation/reconciliation-outcome.ts';
import { BaofooError } from '../protocol/errors.ts';
import { SPAN_ATTRIBUTES as A, type SpanRunner } from '../tracing/baofoo-tracer.ts';
import type { BaofooMetrics } from './baofoo-metrics.ts';
import { wrapMethod } from './method-wrap.ts';

/** The module's services as the instrumentation sees them (the injected singletons). */
export interface InstrumentedServices {
  notifications: object;
  refusals: object;
  orders: object;
  reconciliation: object;
  gateway: object;
  relay: object;
}

const seconds = (since: number) => (performance.now() - since) / 1000;

function ledgerAttributes(ledger: LedgerEntry | null, events: readonly OutboxEntry[]): Attributes {
  const attributes: Attributes = { [A.eventIds]: events.map((e) => e.event_id) };
  if (ledger?.transId) attributes[A.transId] = ledger.transId;
  if (ledger?.verdict) attributes[A.verdict] = ledger.verdict;
  return attributes;
}

/**
 * Spans and metrics around the module's services, observed from outside (see
 * `wrapMethod`): notification handling, every settlement statement (the
 * ledger row and events it wrote), reconciliation runs, gateway queries and
 * relay passes. Returns the methods that were found and wrapped.
 */
export function instrumentBaofoo(services: InstrumentedServices, metrics: BaofooMetrics, span: SpanRunner): string[] {
  const wrapped: string[] = [];
  const wrap = (name: string, instance: object, method: string, around: Parameters<typeof wrapMethod>[2]) => {
    if (wrapMethod(instance, method, around)) wrapped.push(`${name}.${method}`);
  };

  wrap('NotificationService', services.notifications, 'apply', (args, call) => {
    const n = args[0] as VerifiedNotification;
    const started = performance.now();
    return span('baofoo.notification', { [A.transId]: n.fields?.TransID ?? '', [A.memberId]: n.fields?.MemberID ?? '' }, async () => {
      const answer = (await call()) as NotificationAnswer;
      metrics.settled('notification', seconds(started));
      return answer;
    }, (answer) => ({ 'http.response.status_code': answer.status }));
  });

  // Refusals before a signature are counted in memory, not written one by one: count them where they happen.
  wrap('RefusalRecorder', services.refusals, 'refuseUnverified', (args, call) => {
    const answer = call();
    metrics.refusedUnverified((args[0] as NotificationRefusal).code);
    return answer;
  });

  // Every ledger row and event is written by one of these three statements; `true`/void means it was written.
  const written = (ledger: LedgerEntry | null, events: readonly OutboxEntry[]) => {
    if (ledger) metrics.ledgerWritten(ledger);
    metrics.eventsWritten(events.map((e) => e.type));
  };
  for (const method of ['transition', 'settlePending', 'record'] as const) {
    wrap('PaymentOrderRepository', services.orders, method, (args, call) => {
      const ledger = args[1 - Number(method === 'record')] as LedgerEntry | null;
      const events = (args[2 - Number(method === 'record')] ?? []) as readonly OutboxEntry[];
      return span(`baofoo.settlement.${method}`, ledgerAttributes(ledger, events), async () => {
        const won = await call();
        if (won !== false) written(ledger, events);
        return won;
      }, (won) => ({ [A.outcome]: won === false ? 'lost' : 'written' }));
    });
  }

  const countOutcomes = (outcomes: readonly QueryOutcome[]) => {
    for (const o of outcomes) metrics.reconciliationQuery(o.kind);
  };
  wrap('ReconciliationService', services.reconciliation, 'runOnce', (_args, call) =>
    span('baofoo.reconciliation.run', {}, async () => {
      const run = (await call()) as ReconciliationRun;
      countOutcomes(run.outcomes);
      return run;
    }, (run) => ({ [A.count]: run.claimed })),
  );
  wrap('ReconciliationService', services.reconciliation, 'reconcile', (args, call) =>
    span('baofoo.reconciliation.reconcile', { [A.transId]: String(args[0]) }, async () => {
      const outcome = (await call()) as QueryOutcome;
      countOutcomes([outcome]);
      return outcome;
    }, (outcome) => ({ [A.outcome]: outcome.kind })),
  );

  wrap('GatewayQueryClient', services.gateway, 'query', (args, call) => {
    const target = args[0] as QueryTarget;
    const started = performance.now();
    return span('baofoo.gateway.query', { [A.transId]: target.transId, [A.memberId]: target.memberId }, async () => {
      try {
        const result = await call();
        metrics.gatewayQuery('answered', seconds(started));
        return result;
      } catch (e) {
        metrics.gatewayQuery(e instanceof BaofooError ? e.code : 'other', seconds(started));
        throw e;
      }
    });
  });

  // The relay's claim is private: observed all the same, and simply skipped if it is renamed.
  wrap('OutboxRelay', services.relay, 'claim', (_args, call) => span('baofoo.outbox.relay_claim', {}, call as () => Promise<unknown>));
  return wrapped;
}
