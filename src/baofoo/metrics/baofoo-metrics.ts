import type { Registry } from 'prom-client';
import type { BaofooMetricsRegistry } from '../operations/operations-options.ts';
import type { ObservedEvent, ObservedLedgerRow } from '../common/observation/baofoo-observer.ts';
import { ORDER_STATUSES } from '../orders/order-status.ts';
import { OPEN_STATUSES } from './gauge-sql.ts';
import type { GaugeReading } from './metrics.reader.ts';
import { codeLabel, eventLabel, outcomeLabel, verdictLabel } from './metric-labels.ts';

/** The module's counters and histograms, fed by `metricsObserver`. */
export interface BaofooMetrics {
  ledgerWritten(entry: ObservedLedgerRow): void;
  /** A request refused before a signature verified: counted in memory, sampled, never a ledger row of its own. */
  refusedUnverified(reasonCode: string): void;
  eventsWritten(events: readonly Pick<ObservedEvent, 'type'>[]): void;
  settled(source: 'notification', seconds: number): void;
  reconciliationQuery(outcome: string): void;
  gatewayQuery(outcome: string, seconds: number): void;
  /** Events of a bridge batch the broker confirmed, or whose batch failed (they are published again). */
  bridged(outcome: 'confirmed' | 'failed', events: number): void;
}

export interface PrometheusSetup {
  registry?: BaofooMetricsRegistry;
  prefix: string;
  gaugeCacheMs: number;
  readGauges: () => Promise<GaugeReading>;
  /** p99 commit→listener lag of this process's relay, ms; null before any delivery. */
  lagP99Ms: () => number | null;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const GATEWAY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20];

/** The cached reading several gauges share, so one scrape is one query. */
function sharedReading(read: () => Promise<GaugeReading>, ttlMs: number): () => Promise<GaugeReading> {
  let cached: { at: number; value: Promise<GaugeReading> } | null = null;
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at >= ttlMs) {
      const value = read();
      cached = { at: now, value };
      // A failed read is not kept: the next scrape tries again.
      value.catch(() => {
        if (cached?.value === value) cached = null;
      });
    }
    return cached.value;
  };
}

/**
 * The module's Prometheus metrics on the app's registry. prom-client is an
 * optional peer dependency, loaded only when metrics are on. Registering again
 * (a second app in the same process) replaces the earlier metric of that name.
 */
export async function prometheusMetrics(setup: PrometheusSetup): Promise<BaofooMetrics> {
  const client = await import('prom-client');
  // The app's registry is a prom-client Registry; the options type it structurally (BaofooMetricsRegistry).
  const registry = (setup.registry as Registry | undefined) ?? client.register;
  const name = (n: string) => `${setup.prefix}${n}`;
  const fresh = (n: string) => {
    registry.removeSingleMetric(name(n));
    return { name: name(n), registers: [registry] };
  };
  const reading = sharedReading(setup.readGauges, setup.gaugeCacheMs);

  const notifications = new client.Counter({ ...fresh('notifications_total'), help: 'Gateway notifications by verdict and reason code: ledger rows, and requests refused before a signature verified (counted, verdict rejected)', labelNames: ['verdict', 'reason_code'] });
  const resolutions = new client.Counter({ ...fresh('review_resolutions_total'), help: 'REVIEW orders resolved by an operator, by outcome', labelNames: ['to'] });
  const events = new client.Counter({ ...fresh('events_written_total'), help: 'Events written to the outbox, by type', labelNames: ['type'] });
  const settlement = new client.Histogram({ ...fresh('settlement_duration_seconds'), help: 'Time from a verified notification to its committed settlement', labelNames: ['source'], buckets: LATENCY_BUCKETS });
  const queries = new client.Counter({ ...fresh('reconciliation_queries_total'), help: 'Order queries by outcome', labelNames: ['outcome'] });
  const bridgeEvents = new client.Counter({ ...fresh('bridge_events_total'), help: 'Events the RabbitMQ bridge published, by outcome: confirmed by the broker, or in a batch that failed (published again later)', labelNames: ['outcome'] });
  const gateway = new client.Histogram({ ...fresh('gateway_query_duration_seconds'), help: "The gateway's order-query latency, by outcome (answered or the error code)", labelNames: ['outcome'], buckets: GATEWAY_BUCKETS });

  const byStatus = (n: string, help: string, statuses: readonly string[], value: (r: GaugeReading) => Record<string, number>) =>
    new client.Gauge({
      ...fresh(n),
      help,
      labelNames: ['status'],
      async collect() {
        const counts = value(await reading());
        for (const s of statuses) this.set({ status: s }, counts[s]);
      },
    });
  byStatus('orders', 'Orders in a status they leave again (PENDING, REVIEW), counted exactly', OPEN_STATUSES, (r) => r.openOrders);
  byStatus('orders_estimated', "Orders by status, estimated from PostgreSQL's planner statistics (as of the table's last ANALYZE)", ORDER_STATUSES, (r) => r.estimatedOrders);
  const gauge = (n: string, help: string, value: (r: GaugeReading) => number) =>
    new client.Gauge({
      ...fresh(n),
      help,
      async collect() {
        this.set(value(await reading()));
      },
    });
  gauge('outbox_backlog', 'Events not yet delivered to every listener', (r) => r.outboxBacklog);
  gauge('outbox_oldest_pending_seconds', 'Age of the oldest undelivered event', (r) => r.outboxOldestSeconds);
  gauge('bridge_backlog', 'Events the RabbitMQ bridge has not yet published with a confirmation (0 without a bridge)', (r) => r.bridgeBacklog);
  gauge('bridge_oldest_pending_seconds', 'Age of the oldest event the RabbitMQ bridge has not yet published (0 without a bridge)', (r) => r.bridgeOldestSeconds);
  gauge('dead_letters', 'Listener deliveries that gave up and wait for a replay', (r) => r.deadLetters);
  gauge('reconciliation_due', 'PENDING orders whose next order query is due', (r) => r.reconciliationDue);
  gauge('reconciliation_mismatches', 'Order-query answers that contradicted a settled order (ledger rows)', (r) => r.mismatches);
  new client.Gauge({
    ...fresh('outbox_delivery_lag_p99_seconds'),
    help: "p99 commit-to-listener lag of this process's recent first deliveries",
    collect() {
      const ms = setup.lagP99Ms();
      if (ms !== null) this.set(ms / 1000);
    },
  });

  return {
    ledgerWritten({ method, verdict, reasonCode, toStatus }) {
      if (method === 'QUERY') return;
      if (method === 'OPERATOR') resolutions.inc({ to: toStatus === 'PAID' || toStatus === 'FAILED' ? toStatus : 'other' });
      else notifications.inc({ verdict: verdictLabel(verdict), reason_code: codeLabel(reasonCode) });
    },
    refusedUnverified(reasonCode) {
      notifications.inc({ verdict: 'rejected', reason_code: codeLabel(reasonCode) });
    },
    eventsWritten(written) {
      for (const e of written) events.inc({ type: eventLabel(e.type) });
    },
    settled(source, seconds) {
      settlement.observe({ source }, seconds);
    },
    reconciliationQuery(outcome) {
      queries.inc({ outcome: outcomeLabel(outcome) });
    },
    gatewayQuery(outcome, seconds) {
      gateway.observe({ outcome: outcome === 'answered' ? outcome : codeLabel(outcome) }, seconds);
    },
    bridged(outcome, count) {
      bridgeEvents.inc({ outcome }, count);
    },
  };
}
