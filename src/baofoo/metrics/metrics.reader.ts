import { Injectable } from '@nestjs/common';
import { BaofooDatabase } from '../database/baofoo-database.ts';
import { ORDER_STATUSES, type OrderStatus } from '../orders/order-status.ts';

/** What the database says at one scrape. */
export interface GaugeReading {
  ordersByStatus: Record<OrderStatus, number>;
  outboxBacklog: number;
  /** Age of the oldest undelivered event, seconds (0 when none). */
  outboxOldestSeconds: number;
  deadLetters: number;
  /** PENDING orders whose next query is due now: reconciliation is behind when this stays up. */
  reconciliationDue: number;
  mismatches: number;
}

// Every count is served by an index (migration 1764300000000); one round trip per reading.
const GAUGES_SQL = `SELECT
  (SELECT coalesce(jsonb_object_agg(status, n), '{}'::jsonb) FROM (SELECT status, count(*)::int AS n FROM baofoo_payment_orders GROUP BY status) s) AS orders,
  (SELECT count(*)::int FROM baofoo_outbox WHERE delivered_at IS NULL) AS backlog,
  (SELECT coalesce(extract(epoch FROM clock_timestamp() - min(created_at)), 0)::float8 FROM baofoo_outbox WHERE delivered_at IS NULL) AS oldest,
  (SELECT count(*)::int FROM baofoo_event_deliveries WHERE status = 'dead') AS dead,
  (SELECT count(*)::int FROM baofoo_payment_orders WHERE status = 'PENDING' AND next_query_at <= $1::timestamptz) AS due,
  (SELECT count(*)::int FROM baofoo_notification_ledger WHERE reason_code = 'RECONCILIATION_MISMATCH') AS mismatches`;

/** The SQL behind the database gauges. */
@Injectable()
export class MetricsReader {
  constructor(private readonly db: BaofooDatabase) {}

  async read(now: Date): Promise<GaugeReading> {
    const [r]: { orders: Record<string, number>; backlog: number; oldest: number; dead: number; due: number; mismatches: number }[] = await this.db.query(GAUGES_SQL, [now]);
    const ordersByStatus = Object.fromEntries(ORDER_STATUSES.map((s) => [s, r.orders[s] ?? 0])) as Record<OrderStatus, number>;
    return { ordersByStatus, outboxBacklog: r.backlog, outboxOldestSeconds: Math.max(0, r.oldest), deadLetters: r.dead, reconciliationDue: r.due, mismatches: r.mismatches };
  }
}
