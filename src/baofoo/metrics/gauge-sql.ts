import { OLDEST_UNDELIVERED_AGE_MS_SQL, UNDELIVERED_COUNT_SQL } from '../events/outbox-store.ts';

/*
 * The scrape's SQL, one bounded lookup per gauge: every scan reaches only the
 * rows its gauge counts (open orders, due orders, undelivered events, dead
 * letters, mismatches) through an index, never a pass over every order; the
 * totals by every status come from the planner's statistics instead of a
 * count (test/operations/explain.e2e-spec.ts holds each of them to an index).
 */

/** Statuses an order leaves again: few at any time, so they are counted exactly. */
export const OPEN_STATUSES = ['PENDING', 'REVIEW'] as const;

export type OpenStatus = (typeof OPEN_STATUSES)[number];

/** Exact counts of the open statuses, on a partial index of the open orders: as many index entries as open orders. */
export function openOrdersSql(): string {
  return `SELECT coalesce(jsonb_object_agg(status, n), '{}'::jsonb) FROM (
    SELECT status, count(*)::int AS n FROM baofoo_payment_orders WHERE status IN (${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')}) GROUP BY status) s`;
}

/**
 * Orders by every status, estimated as PostgreSQL's planner does: the row
 * count of the table (`pg_class.reltuples`) times the share of each status
 * in the last ANALYZE's sample (`pg_stats.most_common_freqs`). No row of the
 * table is read; it is as fresh as the last (auto)ANALYZE, and empty before one.
 */
export function estimatedOrdersSql(): string {
  return `SELECT coalesce(jsonb_object_agg(v.status, round(greatest(c.reltuples, 0) * v.freq)), '{}'::jsonb)
    FROM pg_class c
    JOIN pg_namespace ns ON ns.oid = c.relnamespace
    JOIN pg_stats s ON s.schemaname = ns.nspname AND s.tablename = c.relname AND s.attname = 'status'
    CROSS JOIN unnest(s.most_common_vals::text::text[], s.most_common_freqs) AS v(status, freq)
    WHERE c.oid = 'baofoo_payment_orders'::regclass`;
}

/** PENDING orders whose next query is due at `$now`, on the partial due-query index. */
export function dueOrdersSql(now: string): string {
  return `SELECT count(*)::int FROM baofoo_payment_orders WHERE status = 'PENDING' AND next_query_at <= ${now}::timestamptz`;
}

/** Undelivered events, on the partial due index (its predicate is theirs). */
export function outboxBacklogSql(): string {
  return UNDELIVERED_COUNT_SQL;
}

/** Age of the oldest undelivered event in seconds (0 when none), on the same index. */
export function outboxOldestSql(): string {
  return `SELECT coalesce((${OLDEST_UNDELIVERED_AGE_MS_SQL}) / 1000, 0)::float8`;
}

/** Events not yet confirmed by the RabbitMQ bridge, on the partial unbridged index; 0 while no bridge is registered. */
export function bridgeBacklogSql(): string {
  return `SELECT CASE WHEN EXISTS (SELECT 1 FROM baofoo_bridges) THEN (SELECT count(*)::int FROM baofoo_outbox WHERE bridged_at IS NULL) ELSE 0 END`;
}

/** Age in seconds of the first event in id order the bridge has not confirmed (ids follow commits closely): one entry of the same index. */
export function bridgeOldestSql(): string {
  return `SELECT CASE WHEN EXISTS (SELECT 1 FROM baofoo_bridges) THEN coalesce((SELECT extract(epoch FROM clock_timestamp() - created_at)::float8 FROM baofoo_outbox WHERE bridged_at IS NULL ORDER BY id LIMIT 1), 0) ELSE 0 END`;
}

/** Dead-lettered deliveries, on their partial index. */
export function deadLettersSql(): string {
  return `SELECT count(*)::int FROM baofoo_event_deliveries WHERE status = 'dead'`;
}

/** Reconciliation mismatches still in the ledger (not archived), on their partial index. */
export function mismatchesSql(): string {
  return `SELECT count(*)::int FROM baofoo_notification_ledger WHERE reason_code = 'RECONCILIATION_MISMATCH'`;
}

/** Every gauge in one round trip, each lookup a scalar subquery named as `GaugeReading` names it; `$1` the scrape's time. */
export function gaugesSql(): string {
  const parts = {
    openOrders: openOrdersSql(),
    estimatedOrders: estimatedOrdersSql(),
    reconciliationDue: dueOrdersSql('$1'),
    outboxBacklog: outboxBacklogSql(),
    outboxOldestSeconds: outboxOldestSql(),
    bridgeBacklog: bridgeBacklogSql(),
    bridgeOldestSeconds: bridgeOldestSql(),
    deadLetters: deadLettersSql(),
    mismatches: mismatchesSql(),
  };
  return `SELECT ${Object.entries(parts).map(([name, sql]) => `(${sql}) AS "${name}"`).join(',\n  ')}`;
}
