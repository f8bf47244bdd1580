import { guardedFrom, rowsJson, SqlParams, type InsertGuard, type SqlStatement } from '../database/sql-params.ts';
import { ONCE_PER_ORDER_CONFLICT, outboxInsertSql } from '../events/outbox-row.ts';
import type { OutboxEntry } from '../events/outbox-entry.ts';
import type { LedgerEntry } from '../notifications/ledger-entry.ts';
import type { Fen } from '../protocol/money.ts';
import type { OrderStatus, SettlementSource } from './order-status.ts';

/**
 * The settlement's SQL, composed from small builders: an order UPDATE, the
 * ledger insert and the outbox insert, joined in one statement so the whole
 * settlement is one round trip and one implicit transaction (all of it is
 * committed or none). Each builder asks `SqlParams` for its placeholders.
 */

/*
 * A statement's text is kept from its first build: it never depends on the
 * values (rows travel as jsonb recordsets), and handing named() and pg the
 * same string lets both compare it by reference, not character by character
 * (~2 KB, twice a statement). The builders still run, for the parameters;
 * a build whose text differs in length from the first throws.
 */
const builtTexts = new Map<string, string>();

function kept(kind: string, text: string): string {
  const first = builtTexts.get(kind);
  // A text that came to depend on the values would almost surely change length: fail loudly rather than run the first one.
  if (first !== undefined && first.length !== text.length) throw new Error(`the ${kind} statement's text changed with its values; it must not`);
  if (first !== undefined) return first;
  builtTexts.set(kind, text);
  return text;
}

// The inserted events, for the writer to hand those born claimed to its relay (`InsertedOutboxRow`).
const OUTBOX_RETURNING = `RETURNING id AS outbox_id, event_id, order_id`;

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
  /** When reconciliation asks about the order next; null: never (the order is settled). */
  nextQueryAt: Date | null;
}

/** A full payment of a PENDING order, identified by merchant, TransID and terminal (and the echoed AdditionalInfo, when the news carries one). */
export interface PendingSettlement {
  memberId: string;
  transId: string;
  terminalId: string;
  paidMoney: Fen;
  resultDesc: string | null;
  succTime: string | null;
  settledBy: SettlementSource;
  additionalInfo: string | null;
}

/** A ledger row to insert; `receivedAt` when it was received earlier than the statement runs (refusal samples). */
export type LedgerInsertRow = LedgerEntry & { receivedAt?: Date };

/*
 * Rows are object literals of one shape, `idx` included (absent from the JSON
 * when undefined): on Node 20 `{ ...row, idx }` builds a new hidden class per
 * call, and JSON.stringify of such rows takes its slow path (~9 µs a
 * settlement in a batch, against ~1 written out).
 */
function ledgerRow(entry: LedgerInsertRow, idx?: number) {
  return {
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
    // Absent (so null in the recordset) unless set: the row then takes the statement's now().
    received_at: entry.receivedAt,
    idx,
  };
}

/** An outbox row with its settlement's place in a batch. */
function indexedOutboxRow(row: OutboxEntry, idx: number) {
  return { event_id: row.event_id, type: row.type, order_id: row.order_id, trans_id: row.trans_id, payload: row.payload, lease_ms: row.lease_ms, idx };
}

/** INSERT of ledger rows (none when `entry` is null), under `guard` like the outbox insert. */
export function ledgerInsertSql(entry: LedgerEntry | null, params: SqlParams, guard: InsertGuard = {}): string {
  return ledgerRowsInsertSql(entry ? [entry] : [], params, guard);
}

/** INSERT of several ledger rows, under `guard` like the outbox insert. */
export function ledgerRowsInsertSql(entries: readonly LedgerInsertRow[], params: SqlParams, guard: InsertGuard = {}): string {
  return ledgerInsertOf(params.add(rowsJson(entries.map((e) => ledgerRow(e)))), guard);
}

/** INSERT of the ledger rows in the JSON parameter `json`. */
function ledgerInsertOf(json: string, guard: InsertGuard): string {
  const { from, where } = guardedFrom(
    json,
    'l',
    `order_id bigint, member_id varchar, terminal_id varchar, trans_id varchar,
    source_ip varchar, method varchar, fields jsonb, raw_body text, verdict varchar, reason_code varchar, reason text, key_id varchar, from_status varchar,
    to_status varchar, http_status int, received_at timestamptz`,
    guard,
  );
  const orderId = guard.orderIdFrom ? `${guard.orderIdFrom}.id` : 'l.order_id';
  return `INSERT INTO baofoo_notification_ledger
    (order_id, member_id, terminal_id, trans_id, source_ip, method, fields, raw_body, verdict, reason_code, reason, key_id, from_status, to_status, http_status, received_at)
  SELECT ${orderId}, l.member_id, l.terminal_id, l.trans_id, l.source_ip, l.method, l.fields, l.raw_body, l.verdict, l.reason_code, l.reason, l.key_id,
    l.from_status, l.to_status, l.http_status, COALESCE(l.received_at, now())
  FROM ${from}${where}`;
}

/** The conditional UPDATE of a decided change: id, expected version and allowed prior states. */
export function transitionUpdateSql(c: OrderChange, p: SqlParams): string {
  return `UPDATE baofoo_payment_orders
       SET status = ${p.add(c.to)}::varchar, version = version + 1, fact_money = COALESCE(${p.add(c.factMoney)}::bigint, fact_money),
           result_desc = COALESCE(${p.add(c.resultDesc)}::varchar, result_desc), succ_time = COALESCE(${p.add(c.succTime)}::varchar, succ_time),
           settled_by = ${p.add(c.settledBy)}::varchar, settled_at = now(), review_reason = ${p.add(c.reviewReason)}::text, updated_at = now(),
           next_query_at = ${p.add(c.nextQueryAt)}::timestamptz
     WHERE id = ${p.add(c.orderId)} AND version = ${p.add(c.expectedVersion)} AND status = ANY(${p.add(c.from)}::varchar[])
     RETURNING id`;
}

/** The SQL of a pending settlement's values: placeholders (a statement of its own) or a batch's recordset columns. */
interface PendingValues {
  memberId: string;
  transId: string;
  terminalId: string;
  paidMoney: string;
  resultDesc: string;
  succTime: string;
  settledBy: string;
  additionalInfo: string;
}

/*
 * The common case in one round trip: a success that pays a PENDING order in
 * full. The WHERE carries everything decide() would check for it (merchant,
 * terminal, still PENDING, amount equal to the order's, which every product
 * accepts, and the echoed AdditionalInfo equal to the stored one; a null
 * matches any, so the text is the same with or without one), so when it
 * matches, the outcome is the one the read-decide-update path would reach.
 */
function pendingUpdate(v: PendingValues, from = '', returning = ''): string {
  return `UPDATE baofoo_payment_orders o
       SET status = 'PAID', version = o.version + 1, fact_money = ${v.paidMoney}::bigint, result_desc = COALESCE(${v.resultDesc}::varchar, o.result_desc),
           succ_time = COALESCE(${v.succTime}::varchar, o.succ_time), settled_by = ${v.settledBy}::varchar, settled_at = now(),
           review_reason = NULL, updated_at = now(), next_query_at = NULL${from}
     WHERE o.member_id = ${v.memberId} AND o.trans_id = ${v.transId} AND o.terminal_id = ${v.terminalId} AND o.status = 'PENDING'
       AND o.order_money = ${v.paidMoney}::bigint AND (${v.additionalInfo}::varchar IS NULL OR o.additional_info = ${v.additionalInfo}::varchar)
     RETURNING o.id${returning}`;
}

/** The fast path's UPDATE for one settlement, its values as placeholders. */
export function settlePendingUpdateSql(s: PendingSettlement, p: SqlParams): string {
  const money = p.add(s.paidMoney);
  const info = p.add(s.additionalInfo);
  return pendingUpdate({
    memberId: p.add(s.memberId),
    transId: p.add(s.transId),
    terminalId: p.add(s.terminalId),
    paidMoney: money,
    resultDesc: p.add(s.resultDesc),
    succTime: p.add(s.succTime),
    settledBy: p.add(s.settledBy),
    additionalInfo: info,
  });
}

/** One settlement of a group commit: the fast path's settlement with the ledger row and events it writes when it wins. */
export interface PendingSettlementWrite {
  settlement: PendingSettlement;
  ledger: LedgerEntry;
  events: readonly OutboxEntry[];
}

/**
 * The fast path for several settlements of different orders in one statement
 * (group commit): each order is updated as `settlePendingUpdateSql` would,
 * and each settlement's ledger row and events are inserted only with its own
 * updated row (matched by its place in the batch, `idx`). Returns a row
 * `{ idx }` per settlement that won, one per event it inserted (with the
 * event's `InsertedOutboxRow` columns). The text is the same for any batch size.
 */
export function settlePendingBatchStatement(batch: readonly PendingSettlementWrite[]): SqlStatement {
  const p = new SqlParams();
  const settlements = batch.map(({ settlement: s }, idx) => ({
    idx,
    member_id: s.memberId,
    trans_id: s.transId,
    terminal_id: s.terminalId,
    paid_money: s.paidMoney,
    result_desc: s.resultDesc,
    succ_time: s.succTime,
    settled_by: s.settledBy,
    additional_info: s.additionalInfo,
  }));
  const from = `
      FROM jsonb_to_recordset(${p.add(rowsJson(settlements))}::jsonb) AS s(idx int, member_id varchar, trans_id varchar, terminal_id varchar,
        paid_money bigint, result_desc varchar, succ_time varchar, settled_by varchar, additional_info varchar)`;
  const update = pendingUpdate(
    {
      memberId: 's.member_id',
      transId: 's.trans_id',
      terminalId: 's.terminal_id',
      paidMoney: 's.paid_money',
      resultDesc: 's.result_desc',
      succTime: 's.succ_time',
      settledBy: 's.settled_by',
      additionalInfo: 's.additional_info',
    },
    from,
    ', s.idx',
  );
  const guard: InsertGuard = { orderIdFrom: 'changed', byIndex: true };
  const ledger = ledgerInsertOf(p.add(rowsJson(batch.map((w, idx) => ledgerRow(w.ledger, idx)))), guard);
  const events = outboxInsertSql(
    batch.flatMap((w, idx) => w.events.map((e) => indexedOutboxRow(e, idx))),
    p,
    guard,
  );
  const text = `WITH changed AS (${update}),
  ledger AS (${ledger} RETURNING id),
  outbox AS (${events} ${OUTBOX_RETURNING})
  SELECT c.idx, o.outbox_id, o.event_id, o.order_id FROM changed c LEFT JOIN outbox o ON o.order_id = c.id`;
  return { text: kept('settlePendingBatch', text), params: p.values };
}

/** A decided change with its ledger row and events (`settlementStatement`). */
export function transitionStatement(change: OrderChange, ledger: LedgerEntry | null, events: readonly OutboxEntry[]): SqlStatement {
  return settlementStatement('transition', (p) => transitionUpdateSql(change, p), ledger, events, false);
}

/** The fast path for one settlement (`settlementStatement`); ledger and events take the order id from the updated row. */
export function settlePendingStatement(settlement: PendingSettlement, ledger: LedgerEntry, events: readonly OutboxEntry[]): SqlStatement {
  return settlementStatement('settlePending', (p) => settlePendingUpdateSql(settlement, p), ledger, events, true);
}

/**
 * `update` (a builder above) with the ledger row and events that belong to
 * it, inserted only when the UPDATE matched. `orderIdFromUpdate`: the rows
 * take their order id from the updated row (the fast path knows no id yet).
 * The statement returns `changed`, 1 when the UPDATE won, on one row per
 * event inserted (with its `InsertedOutboxRow` columns), or one row. A transition may
 * carry an AdditionalInfo flag the order already raised (a late result): that
 * copy is dropped. The fast path settles only a PENDING order whose echoed
 * AdditionalInfo matches, so it never carries one and keeps the plain insert.
 */
function settlementStatement(
  kind: string,
  update: (p: SqlParams) => string,
  ledger: LedgerEntry | null,
  events: readonly OutboxEntry[],
  orderIdFromUpdate: boolean,
): SqlStatement {
  const p = new SqlParams();
  const guard: InsertGuard = orderIdFromUpdate ? { orderIdFrom: 'changed' } : { onlyIf: 'changed' };
  const once = orderIdFromUpdate ? '' : ` ${ONCE_PER_ORDER_CONFLICT}`;
  const text = `WITH changed AS (${update(p)}),
  ledger AS (${ledgerInsertSql(ledger, p, guard)} RETURNING id),
  outbox AS (${outboxInsertSql(events, p, guard)}${once} ${OUTBOX_RETURNING})
  SELECT c.changed, o.outbox_id, o.event_id, o.order_id FROM (SELECT count(*)::int AS changed FROM changed) c LEFT JOIN outbox o ON true`;
  return { text: kept(kind, text), params: p.values };
}

/** A ledger row and events that change no order (duplicates, rejections, anomalies, mismatches); one row per event inserted, or one row. */
export function recordStatement(ledger: LedgerEntry | null, events: readonly OutboxEntry[]): SqlStatement {
  const p = new SqlParams();
  const text = `WITH ledger AS (${ledgerInsertSql(ledger, p)} RETURNING id),
  outbox AS (${outboxInsertSql(events, p)} ON CONFLICT DO NOTHING ${OUTBOX_RETURNING})
  SELECT c.ledger, o.outbox_id, o.event_id, o.order_id FROM (SELECT count(*)::int AS ledger FROM ledger) c LEFT JOIN outbox o ON true`;
  return { text: kept('record', text), params: p.values };
}
