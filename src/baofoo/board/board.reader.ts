import { Injectable } from '@nestjs/common';
import { BaofooDatabase } from '../database/baofoo-database.ts';
import { DELIVERY_OUTCOMES } from '../events/delivery-outcomes.ts';
import { bridgeBacklogSql, bridgeOldestSql } from '../metrics/gauge-sql.ts';
import { OrderStoryReader, type OrderLedger, type StoredOrder } from '../orders/order-story.reader.ts';

/** Orders created on one day (in the protocol's time zone) that now have `status`. */
export interface DailyStatusCount {
  day: string;
  status: string;
  orders: number;
}

export interface ReviewItem {
  id: string;
  memberId: string;
  transId: string;
  orderMoney: string;
  factMoney: string | null;
  reviewReason: string | null;
  productName: string;
  updatedAt: Date;
}

export interface MismatchItem {
  receivedAt: Date;
  transId: string | null;
  reason: string | null;
  checkResult: string | null;
  toStatus: string | null;
}

export interface ReconciliationBacklog {
  pending: number;
  due: number;
  oldestDueAt: Date | null;
  overdue: { transId: string; memberId: string; nextQueryAt: Date; queryAttempts: number; lastCheckResult: string | null }[];
}

/** The RabbitMQ bridge's backlog: events not yet confirmed by the broker. */
export interface BridgeBacklog {
  waiting: number;
  oldestSeconds: number;
}

export interface OrderStory extends OrderLedger {
  events: Record<string, unknown>[];
  deliveries: Record<string, unknown>[];
}

/*
 * Every query is bounded (LIMIT or an indexed range) and served by an index of
 * migrations 1764100000000 or 1764300000000; test/operations/explain checks
 * the plans on a million orders. An order and its ledger are read by
 * `OrderStoryReader` (ORDER_STORY_SQL), shared with `PaymentOrders`.
 */
export const BOARD_SQL = {
  chart: `SELECT to_char(created_at AT TIME ZONE $2, 'YYYY-MM-DD') AS day, status, count(*)::int AS orders
      FROM baofoo_payment_orders WHERE created_at >= $1::timestamptz GROUP BY 1, 2 ORDER BY 1, 2`,
  review: `SELECT id::text AS id, member_id AS "memberId", trans_id AS "transId", order_money::text AS "orderMoney", fact_money::text AS "factMoney",
        review_reason AS "reviewReason", product_name AS "productName", updated_at AS "updatedAt"
      FROM baofoo_payment_orders WHERE status = 'REVIEW' ORDER BY updated_at LIMIT $1`,
  mismatches: `SELECT received_at AS "receivedAt", trans_id AS "transId", reason, fields->>'CheckResult' AS "checkResult", to_status AS "toStatus"
      FROM baofoo_notification_ledger WHERE reason_code = 'RECONCILIATION_MISMATCH' ORDER BY received_at DESC LIMIT $1`,
  backlog: `SELECT count(*)::int AS pending, (count(*) FILTER (WHERE next_query_at <= $1::timestamptz))::int AS due,
        min(next_query_at) FILTER (WHERE next_query_at <= $1::timestamptz) AS "oldestDueAt"
      FROM baofoo_payment_orders WHERE status = 'PENDING'`,
  // The metrics' own lookups (partial unbridged index), null while no bridge is registered.
  bridge: `SELECT (${bridgeBacklogSql()}) AS waiting, (${bridgeOldestSql()}) AS "oldestSeconds" WHERE EXISTS (SELECT 1 FROM baofoo_bridges)`,
  overdue: `SELECT trans_id AS "transId", member_id AS "memberId", next_query_at AS "nextQueryAt", query_attempts AS "queryAttempts", last_check_result AS "lastCheckResult"
      FROM baofoo_payment_orders WHERE status = 'PENDING' AND next_query_at <= $1::timestamptz ORDER BY next_query_at LIMIT $2`,
  events: `SELECT event_id::text AS "eventId", order_id::text AS "orderId", type, created_at AS "createdAt", delivered_at AS "deliveredAt", attempts, payload->>'source' AS source
      FROM baofoo_outbox WHERE order_id = ANY($1::bigint[]) ORDER BY id LIMIT 200`,
  deliveries: `SELECT event_id::text AS "eventId", listener, status, attempts, last_error AS "lastError", delivered_at AS "deliveredAt", dead_at AS "deadAt", replays
      FROM ${DELIVERY_OUTCOMES} WHERE event_id = ANY($1::uuid[]) ORDER BY first_attempt_at, listener LIMIT 1000`,
} as const;

/** The board's SQL, in one place. */
@Injectable()
export class BoardReader {
  constructor(
    private readonly db: BaofooDatabase,
    private readonly story: OrderStoryReader,
  ) {}

  chart(since: Date, timeZone: string): Promise<DailyStatusCount[]> {
    return this.db.query(BOARD_SQL.chart, [since, timeZone]);
  }

  reviewQueue(limit: number): Promise<ReviewItem[]> {
    return this.db.query(BOARD_SQL.review, [limit]);
  }

  mismatches(limit: number): Promise<MismatchItem[]> {
    return this.db.query(BOARD_SQL.mismatches, [limit]);
  }

  async backlog(now: Date, limit: number): Promise<ReconciliationBacklog> {
    const [[counts], overdue] = await Promise.all([
      this.db.query<Omit<ReconciliationBacklog, 'overdue'>>(BOARD_SQL.backlog, [now]),
      this.db.query<ReconciliationBacklog['overdue'][number]>(BOARD_SQL.overdue, [now, limit]),
    ]);
    return { ...counts, overdue };
  }

  /** The bridge's backlog, or null when no RabbitMQ bridge is registered. */
  async bridgeBacklog(): Promise<BridgeBacklog | null> {
    const [row] = await this.db.query<BridgeBacklog>(BOARD_SQL.bridge);
    return row ?? null;
  }

  /** The orders with this TransID (one per merchant, or the one of `memberId`), without their story. */
  orders(transId: string, memberId: string | null = null): Promise<StoredOrder[]> {
    return this.story.orders(transId, memberId);
  }

  /** Every order with this TransID (one per merchant) with its story (the newest ledger rows, as `PaymentOrders` reads them); empty when none. */
  async stories(transId: string): Promise<OrderStory[]> {
    const found = await this.story.ledgers(transId, null);
    if (found.length === 0) return [];
    const events = await this.db.query<Record<string, unknown>>(BOARD_SQL.events, [found.map((f) => f.order.id)]);
    const deliveries: Record<string, unknown>[] = events.length ? await this.db.query(BOARD_SQL.deliveries, [events.map((e) => e.eventId)]) : [];
    return found.map(({ order, ledger, ledgerTruncated }) => {
      const ownEvents = events.filter((e) => e.orderId === order.id);
      const eventIds = new Set(ownEvents.map((e) => e.eventId));
      return { order, ledger, ledgerTruncated, events: ownEvents, deliveries: deliveries.filter((d) => eventIds.has(d.eventId)) };
    });
  }
}
