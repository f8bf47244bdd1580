import { Injectable } from '@nestjs/common';
import { BaofooDatabase } from '../database/baofoo-database.ts';
import { readFen } from '../database/bigint-money.transformer.ts';
import type { Fen } from '../protocol/money.ts';
import type { OrderStatus, SettlementSource } from './order-status.ts';
import type { LedgerEntry } from '../notifications/ledger-entry.ts';
import type { OutboxEntry } from '../events/outbox-entry.ts';

export interface OrderRow {
  id: string;
  memberId: string;
  terminalId: string;
  transId: string;
  payId: string;
  tradeDate: string;
  orderMoney: Fen;
  factMoney: Fen | null;
  status: OrderStatus;
  version: number;
  createdAt: Date;
}

export interface NewOrder {
  memberId: string;
  terminalId: string;
  transId: string;
  payId: string;
  tradeDate: string;
  orderMoney: Fen;
  productName: string;
  additionalInfo: string;
  pageUrl: string;
  returnUrl: string;
  /** When reconciliation first asks the gateway about it. */
  nextQueryAt: Date;
}

/** One state change, applied only if the order still has the version and a status it was decided on. */
export interface OrderChange {
  orderId: string;
  expectedVersion: number;
  from: OrderStatus[];
  to: OrderStatus;
  factMoney: Fen | null;
  resultDesc: string | null;
  succTime: string | null;
  settledBy: SettlementSource;
  reviewReason: string | null;
}

/** An order claimed for an order query; `queryAttempts` (as the claim left it) identifies the claim. */
export interface ClaimedOrder extends OrderRow {
  queryAttempts: number;
}

const ORDER_COLUMNS = `id::text AS id, member_id AS "memberId", terminal_id AS "terminalId", trans_id AS "transId", pay_id AS "payId",
  trade_date AS "tradeDate", order_money::text AS "orderMoney", fact_money::text AS "factMoney", status, version, created_at AS "createdAt"`;

type RawOrder = Omit<OrderRow, 'orderMoney' | 'factMoney'> & { orderMoney: string; factMoney: string | null };

function toOrder(raw: RawOrder): OrderRow {
  return { ...raw, orderMoney: readFen(raw.orderMoney)!, factMoney: readFen(raw.factMoney) };
}

/*
 * The ledger row and the outbox rows ride in the same statement as the
 * UPDATE, as JSON, so the whole settlement is one round trip and one implicit
 * transaction: either all of it is committed or none.
 */
const LEDGER_INSERT = `INSERT INTO baofoo_notification_ledger
    (order_id, member_id, terminal_id, trans_id, source_ip, method, fields, raw_body, verdict, reason_code, reason, key_id, from_status, to_status, http_status)
  SELECT l.order_id, l.member_id, l.terminal_id, l.trans_id, l.source_ip, l.method, l.fields, l.raw_body, l.verdict, l.reason_code, l.reason, l.key_id, l.from_status, l.to_status, l.http_status
  FROM jsonb_to_recordset($LEDGER::jsonb) AS l(order_id bigint, member_id varchar, terminal_id varchar, trans_id varchar, source_ip varchar, method varchar,
    fields jsonb, raw_body text, verdict varchar, reason_code varchar, reason text, key_id varchar, from_status varchar, to_status varchar, http_status int)`;

const OUTBOX_INSERT = `INSERT INTO baofoo_outbox (event_id, type, order_id, trans_id, payload)
  SELECT e.event_id, e.type, e.order_id, e.trans_id, e.payload
  FROM jsonb_to_recordset($EVENTS::jsonb) AS e(event_id uuid, type varchar, order_id bigint, trans_id varchar, payload jsonb)`;

const TRANSITION_SQL = `WITH changed AS (
    UPDATE baofoo_payment_orders
       SET status = $3::varchar, version = version + 1, fact_money = COALESCE($4::bigint, fact_money), result_desc = COALESCE($5::varchar, result_desc),
           succ_time = COALESCE($6::varchar, succ_time), settled_by = $7::varchar, settled_at = now(), review_reason = $8::text, updated_at = now(),
           next_query_at = CASE WHEN $3::varchar = 'PENDING' THEN next_query_at END
     WHERE id = $1 AND version = $2 AND status = ANY($9::varchar[])
     RETURNING id),
  ledger AS (${LEDGER_INSERT.replace('$LEDGER', '$10')} WHERE EXISTS (SELECT 1 FROM changed) RETURNING id),
  outbox AS (${OUTBOX_INSERT.replace('$EVENTS', '$11')} WHERE EXISTS (SELECT 1 FROM changed) RETURNING id)
  SELECT (SELECT count(*) FROM changed)::int AS changed`;

/*
 * The common case in one round trip: a success that pays a PENDING order in
 * full. The WHERE carries everything decide() would check for it (merchant,
 * terminal, still PENDING, amount equal to the order's, which every product
 * accepts), so when it matches, the outcome is the one the read-decide-update
 * path would reach; the order id the ledger and event need comes from RETURNING.
 */
const SETTLE_PENDING_SQL = `WITH changed AS (
    UPDATE baofoo_payment_orders
       SET status = 'PAID', version = version + 1, fact_money = $4::bigint, result_desc = COALESCE($5::varchar, result_desc),
           succ_time = COALESCE($6::varchar, succ_time), settled_by = $7::varchar, settled_at = now(), review_reason = NULL, updated_at = now(),
           next_query_at = NULL
     WHERE member_id = $1 AND trans_id = $2 AND terminal_id = $3 AND status = 'PENDING' AND order_money = $4::bigint
     RETURNING id),
  ledger AS (${LEDGER_INSERT.replace('SELECT l.order_id', 'SELECT changed.id').replace('FROM jsonb_to_recordset($LEDGER::jsonb)', 'FROM changed, jsonb_to_recordset($8::jsonb)')} RETURNING id),
  outbox AS (${OUTBOX_INSERT.replace('SELECT e.event_id, e.type, e.order_id, e.trans_id, e.payload', "SELECT e.event_id, e.type, changed.id, e.trans_id, e.payload || jsonb_build_object('orderId', changed.id::text)").replace('FROM jsonb_to_recordset($EVENTS::jsonb)', 'FROM changed, jsonb_to_recordset($9::jsonb)')} RETURNING id)
  SELECT (SELECT count(*) FROM changed)::int AS changed`;

/** A full payment of a PENDING order, identified by merchant and TransID; ledger and events carry no order id yet. */
export interface PendingSettlement {
  memberId: string;
  transId: string;
  terminalId: string;
  paidMoney: Fen;
  resultDesc: string | null;
  succTime: string | null;
  settledBy: SettlementSource;
}

const RECORD_SQL = `WITH ledger AS (${LEDGER_INSERT.replace('$LEDGER', '$1')} RETURNING id),
  outbox AS (${OUTBOX_INSERT.replace('$EVENTS', '$2')} RETURNING id)
  SELECT (SELECT count(*) FROM ledger)::int AS ledger`;

/*
 * Reconciliation claims. The due decision uses the caller's clock ($1), never
 * SQL now(), so every instance (and a test's fake clock) agrees on it. A claim
 * moves next_query_at past a lease in the same statement that selects the
 * rows, and SKIP LOCKED keeps instances off each other's rows: an order is
 * claimed by one instance at a time, at most once per lease. The claim does
 * not bump the version: it changes no state, and must not make a concurrent
 * notification lose its optimistic race.
 */
const CLAIM_DUE_SQL = `WITH claimed AS (UPDATE baofoo_payment_orders
     SET next_query_at = $1::timestamptz + make_interval(secs => $2::int), query_attempts = query_attempts + 1, last_query_at = $1::timestamptz
   WHERE id IN (SELECT id FROM baofoo_payment_orders
                 WHERE status = 'PENDING' AND next_query_at <= $1::timestamptz
                   AND (last_query_at IS NULL OR last_query_at <= $1::timestamptz - make_interval(secs => $4::int))
                 ORDER BY next_query_at LIMIT $3 FOR UPDATE SKIP LOCKED)
  RETURNING ${ORDER_COLUMNS}, query_attempts AS "queryAttempts")
  SELECT * FROM claimed`;

const CLAIM_ONE_SQL = `WITH claimed AS (UPDATE baofoo_payment_orders
     SET query_attempts = query_attempts + 1, last_query_at = $2::timestamptz,
         next_query_at = CASE WHEN status = 'PENDING' THEN GREATEST(next_query_at, $2::timestamptz + make_interval(secs => $3::int)) ELSE next_query_at END
   WHERE id = (SELECT id FROM baofoo_payment_orders
                WHERE id = $1 AND (last_query_at IS NULL OR last_query_at <= $2::timestamptz - make_interval(secs => $4::int))
                FOR UPDATE SKIP LOCKED)
  RETURNING ${ORDER_COLUMNS}, query_attempts AS "queryAttempts")
  SELECT * FROM claimed`;

// Only the claim that is still current may reschedule: a late answer must not undo a newer claim's lease.
// (Each statement is wrapped in a SELECT so the driver returns the rows, not [rows, count].)
const NOTE_QUERY_SQL = `WITH noted AS (UPDATE baofoo_payment_orders
     SET last_check_result = $3::varchar,
         next_query_at = CASE WHEN status = 'PENDING' AND $4::timestamptz IS NOT NULL THEN $4::timestamptz ELSE next_query_at END
   WHERE id = $1 AND query_attempts = $2
  RETURNING id)
  SELECT id FROM noted`;

/*
 * PostgreSQL refuses text with a lone UTF-16 surrogate, which hostile input can
 * carry into a ledger reason or an event: such halves become U+FFFD, so the
 * record is still written.
 */
const wellFormed = (_key: string, value: unknown) => (typeof value === 'string' ? value.toWellFormed() : value);

function rowsJson(rows: unknown): string {
  return JSON.stringify(rows, wellFormed);
}

function ledgerJson(entry: LedgerEntry | null): string {
  return rowsJson(
    entry
      ? [
          {
            order_id: entry.orderId,
            member_id: entry.memberId,
            terminal_id: entry.terminalId,
            trans_id: entry.transId,
            source_ip: entry.sourceIp,
            method: entry.method,
            fields: entry.fields,
            raw_body: entry.rawBody,
            verdict: entry.verdict,
            reason_code: entry.reasonCode,
            reason: entry.reason,
            key_id: entry.keyId,
            from_status: entry.fromStatus,
            to_status: entry.toStatus,
            http_status: entry.httpStatus,
          },
        ]
      : [],
  );
}

/**
 * Orders with versioned optimistic locking. A state change is one conditional
 * UPDATE on id, expected version and allowed prior states; its affected-row
 * count says whether this caller won (never `save()`, which checks nothing).
 */
@Injectable()
export class PaymentOrderRepository {
  constructor(private readonly db: BaofooDatabase) {}

  async insertPending(o: NewOrder): Promise<OrderRow> {
    const rows: RawOrder[] = await this.db.query(
      `INSERT INTO baofoo_payment_orders (member_id, terminal_id, trans_id, pay_id, trade_date, order_money, status, version,
         product_name, additional_info, page_url, return_url, next_query_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'PENDING', 1, $7, $8, $9, $10, $11)
       RETURNING ${ORDER_COLUMNS}`,
      [o.memberId, o.terminalId, o.transId, o.payId, o.tradeDate, o.orderMoney, o.productName, o.additionalInfo, o.pageUrl, o.returnUrl, o.nextQueryAt],
    );
    return toOrder(rows[0]);
  }

  async findByTransId(memberId: string, transId: string): Promise<OrderRow | null> {
    const rows: RawOrder[] = await this.db.query(`SELECT ${ORDER_COLUMNS} FROM baofoo_payment_orders WHERE member_id = $1 AND trans_id = $2`, [
      memberId,
      transId,
    ]);
    return rows.length ? toOrder(rows[0]) : null;
  }

  /** Applies the change with its ledger row and events atomically; false when another writer got there first. */
  async transition(change: OrderChange, ledger: LedgerEntry | null, events: readonly OutboxEntry[]): Promise<boolean> {
    const rows: { changed: number }[] = await this.db.query(TRANSITION_SQL, [
      change.orderId,
      change.expectedVersion,
      change.to,
      change.factMoney,
      change.resultDesc,
      change.succTime,
      change.settledBy,
      change.reviewReason,
      change.from,
      ledgerJson(ledger),
      rowsJson(events),
    ]);
    return rows[0].changed === 1;
  }

  /**
   * PENDING → PAID in one statement when the order is PENDING and `paidMoney`
   * equals its amount; false (nothing written) otherwise, and the caller takes
   * the read-decide-update path.
   */
  async settlePending(s: PendingSettlement, ledger: LedgerEntry, events: readonly OutboxEntry[]): Promise<boolean> {
    const rows: { changed: number }[] = await this.db.query(SETTLE_PENDING_SQL, [
      s.memberId,
      s.transId,
      s.terminalId,
      s.paidMoney,
      s.resultDesc,
      s.succTime,
      s.settledBy,
      ledgerJson(ledger),
      rowsJson(events),
    ]);
    return rows[0].changed === 1;
  }

  /** Records a ledger row and events that change no order (duplicates, rejections, anomalies). */
  async record(ledger: LedgerEntry | null, events: readonly OutboxEntry[]): Promise<void> {
    await this.db.query(RECORD_SQL, [ledgerJson(ledger), rowsJson(events)]);
  }

  /** Claims up to `limit` PENDING orders due at `now` for an order query, leasing each for `leaseSeconds`. */
  async claimDueForQuery(now: Date, leaseSeconds: number, limit: number, minIntervalSeconds: number): Promise<ClaimedOrder[]> {
    const rows: (RawOrder & { queryAttempts: number })[] = await this.db.query(CLAIM_DUE_SQL, [now, leaseSeconds, limit, minIntervalSeconds]);
    return rows.map((r) => ({ ...toOrder(r), queryAttempts: r.queryAttempts }));
  }

  /** Claims one order (any status) for an on-demand query; null when it was queried within `minIntervalSeconds` or is being claimed. */
  async claimForQuery(orderId: string, now: Date, leaseSeconds: number, minIntervalSeconds: number): Promise<ClaimedOrder | null> {
    const rows: (RawOrder & { queryAttempts: number })[] = await this.db.query(CLAIM_ONE_SQL, [orderId, now, leaseSeconds, minIntervalSeconds]);
    return rows.length ? { ...toOrder(rows[0]), queryAttempts: rows[0].queryAttempts } : null;
  }

  /** Records a query's outcome and, while the order is PENDING, when to ask next; false when a newer claim owns the order. */
  async noteQueryOutcome(orderId: string, queryAttempts: number, checkResult: string, nextQueryAt: Date | null): Promise<boolean> {
    const rows: unknown[] = await this.db.query(NOTE_QUERY_SQL, [orderId, queryAttempts, checkResult.slice(0, 32), nextQueryAt]);
    return rows.length === 1;
  }
}
