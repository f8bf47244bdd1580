import { Injectable } from '@nestjs/common';
import { BaofooDatabase } from '../database/baofoo-database.ts';
import type { NotificationVerdict } from '../notifications/notification-verdict.ts';
import type { OrderStatus, SettlementSource } from './order-status.ts';

/** An order as its story shows it; money as the database's text (bigint fen). A type, not an interface, so pages can walk its fields. */
export type StoredOrder = {
  id: string;
  memberId: string;
  terminalId: string;
  transId: string;
  payId: string;
  status: OrderStatus;
  /** Bumped by every state change. */
  version: number;
  orderMoney: string;
  factMoney: string | null;
  productName: string;
  resultDesc: string | null;
  /** SuccTime as the gateway sent it: `yyyyMMddHHmmss` in the protocol's zone. */
  succTime: string | null;
  /** Whose news settled it. */
  settledBy: SettlementSource | null;
  settledAt: Date | null;
  reviewReason: string | null;
  nextQueryAt: Date | null;
  queryAttempts: number;
  lastCheckResult: string | null;
  createdAt: Date;
  updatedAt: Date;
};

/** One ledger row of a TransID, from the ledger or (`archived`) the monthly archive table. */
export type StoredLedgerRow = {
  id: string;
  orderId: string | null;
  receivedAt: Date;
  /** The HTTP method of a notification; `QUERY` or `OPERATOR` for the others. */
  method: string;
  sourceIp: string;
  verdict: NotificationVerdict;
  reasonCode: string | null;
  reason: string | null;
  fromStatus: OrderStatus | null;
  toStatus: OrderStatus | null;
  /** What the module answered a notification (0 for rows that were not answers). */
  httpStatus: number;
  /** The id of the key that verified the notification's signature. */
  keyId: string | null;
  /** The fields as received or asked. */
  fields: Record<string, string> | null;
  /** Read from the monthly archive table (housekeeping moved it there). */
  archived: boolean;
};

/**
 * How many ledger rows of a TransID a story holds at most, the newest: a
 * refusal flood naming one TransID must not make the board's page or a
 * `PaymentOrders.find` answer unbounded. `PaymentOrderView.ledger`'s TSDoc names it.
 */
export const ORDER_LEDGER_LIMIT = 500;

/** An order with the ledger rows that concern it, oldest first: the newest {@link ORDER_LEDGER_LIMIT} of its TransID. */
export interface OrderLedger {
  order: StoredOrder;
  ledger: StoredLedgerRow[];
  /** The TransID has older ledger rows than those in `ledger`, left out. */
  ledgerTruncated: boolean;
}

/*
 * Both served by the TransID indexes (test/operations/explain checks the
 * plans on a million orders). $2 of `orders` narrows to one merchant (null:
 * every merchant); $2 of `ledger` bounds the rows, newest first.
 */
export const ORDER_STORY_SQL = {
  orders: `SELECT id::text AS id, member_id AS "memberId", terminal_id AS "terminalId", trans_id AS "transId", pay_id AS "payId", status, version,
        order_money::text AS "orderMoney", fact_money::text AS "factMoney", product_name AS "productName", result_desc AS "resultDesc", succ_time AS "succTime",
        settled_by AS "settledBy", settled_at AS "settledAt", review_reason AS "reviewReason", next_query_at AS "nextQueryAt", query_attempts AS "queryAttempts",
        last_check_result AS "lastCheckResult", created_at AS "createdAt", updated_at AS "updatedAt"
      FROM baofoo_payment_orders WHERE trans_id = $1 AND ($2::varchar IS NULL OR member_id = $2::varchar) ORDER BY member_id LIMIT 10`,
  ledger: `SELECT * FROM (
        SELECT id::text AS id, order_id::text AS "orderId", received_at AS "receivedAt", method, source_ip AS "sourceIp", verdict, reason_code AS "reasonCode", reason,
          from_status AS "fromStatus", to_status AS "toStatus", http_status AS "httpStatus", key_id AS "keyId", fields, false AS archived
        FROM baofoo_notification_ledger WHERE trans_id = $1
        UNION ALL
        SELECT id::text, order_id::text, received_at, method, source_ip, verdict, reason_code, reason, from_status, to_status, http_status, key_id, fields, true
        FROM baofoo_notification_ledger_archive WHERE trans_id = $1) l
      ORDER BY "receivedAt" DESC, id::bigint DESC LIMIT $2::int`,
} as const;

/** Orders by TransID and their ledger, live and archived: what the board's story and `PaymentOrders` read. */
@Injectable()
export class OrderStoryReader {
  constructor(private readonly db: BaofooDatabase) {}

  /** The orders with this TransID (one per merchant, or the one of `memberId`), without their ledger. */
  orders(transId: string, memberId: string | null = null): Promise<StoredOrder[]> {
    return this.db.query(ORDER_STORY_SQL.orders, [transId, memberId]);
  }

  /** Each order with this TransID (or the one of `memberId`) and the newest {@link ORDER_LEDGER_LIMIT} ledger rows of the TransID, oldest first; empty when none. */
  async ledgers(transId: string, memberId: string | null): Promise<OrderLedger[]> {
    // The ledger query needs only the TransID: one round trip for both, not one after the other.
    // One row more than the limit tells whether older rows were left out.
    const [orders, newest] = await Promise.all([this.orders(transId, memberId), this.db.query<StoredLedgerRow>(ORDER_STORY_SQL.ledger, [transId, ORDER_LEDGER_LIMIT + 1])]);
    if (orders.length === 0) return [];
    const ledgerTruncated = newest.length > ORDER_LEDGER_LIMIT;
    const ledger = newest.slice(0, ORDER_LEDGER_LIMIT).reverse();
    // A refused notification may name the TransID without an order: it belongs to every story of that TransID.
    return orders.map((order) => ({ order, ledger: ledger.filter((l) => l.orderId === order.id || l.orderId === null), ledgerTruncated }));
  }
}
