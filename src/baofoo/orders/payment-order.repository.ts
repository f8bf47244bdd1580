import { Inject, Injectable, Optional } from '@nestjs/common';
import { BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import { GroupCommit } from '../common/group-commit.ts';
import { BaofooObservation, UNOBSERVED } from '../common/observation/baofoo-observation.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { BaofooDatabase } from '../database/baofoo-database.ts';
import { named } from '../database/named-statements.ts';
import { readFen } from '../database/bigint-money.transformer.ts';
import type { Fen } from '../protocol/money.ts';
import type { OrderStatus } from './order-status.ts';
import type { LedgerEntry } from '../notifications/ledger-entry.ts';
import type { OutboxEntry } from '../events/outbox-entry.ts';
import type { InsertedOutboxRow } from '../events/outbox-reservation.ts';
import { OutboxSignal } from '../events/outbox-signal.ts';
import {
  recordStatement,
  settlePendingBatchStatement,
  settlePendingStatement,
  transitionStatement,
  type OrderChange,
  type PendingSettlement,
  type PendingSettlementWrite,
} from './settlement-sql.ts';

export type { OrderChange, PendingSettlement } from './settlement-sql.ts';

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
  /** As the merchant sent it; the gateway echoes it in notifications. */
  additionalInfo: string;
  createdAt: Date;
}

/** An order to store: what it has of an `OrderRow` before it is stored, and what the gateway needs to reach back. */
export interface NewOrder extends Pick<OrderRow, 'memberId' | 'terminalId' | 'transId' | 'payId' | 'tradeDate' | 'orderMoney' | 'additionalInfo'> {
  productName: string;
  pageUrl: string;
  returnUrl: string;
  /** When reconciliation first asks the gateway about it. */
  nextQueryAt: Date;
}

/** An order claimed for an order query; `queryAttempts` (as the claim left it) identifies the claim. */
export interface ClaimedOrder extends OrderRow {
  queryAttempts: number;
}

const ORDER_COLUMNS = `id::text AS id, member_id AS "memberId", terminal_id AS "terminalId", trans_id AS "transId", pay_id AS "payId",
  trade_date AS "tradeDate", order_money::text AS "orderMoney", fact_money::text AS "factMoney", status, version, additional_info AS "additionalInfo", created_at AS "createdAt"`;

type RawOrder = Omit<OrderRow, 'orderMoney' | 'factMoney'> & { orderMoney: string; factMoney: string | null };

/** Field by field, as ORDER_COLUMNS lists them: on Node 20 a spread among other fields costs a new hidden class per call. */
function toOrder(raw: RawOrder): OrderRow {
  return {
    id: raw.id,
    memberId: raw.memberId,
    terminalId: raw.terminalId,
    transId: raw.transId,
    payId: raw.payId,
    tradeDate: raw.tradeDate,
    orderMoney: readFen(raw.orderMoney)!,
    factMoney: readFen(raw.factMoney),
    status: raw.status,
    version: raw.version,
    additionalInfo: raw.additionalInfo,
    createdAt: raw.createdAt,
  };
}

function toClaimedOrder(raw: RawOrder & { queryAttempts: number }): ClaimedOrder {
  return Object.assign(toOrder(raw), { queryAttempts: raw.queryAttempts });
}

/*
 * Reconciliation claims. The due decision uses the caller's clock ($1), never
 * SQL now(), so every instance (and a test's fake clock) agrees on it. A claim
 * moves next_query_at past a lease in the same statement that selects the
 * rows, and SKIP LOCKED keeps instances off each other's rows: an order is
 * claimed by one instance at a time, at most once per lease. The claim does
 * not bump the version: it changes no state, and must not make a concurrent
 * notification lose its optimistic race.
 */
// A REVIEW order has a next_query_at only while it awaits money (see QueryAnswerApplier).
const CLAIM_DUE_SQL = `WITH claimed AS (UPDATE baofoo_payment_orders
     SET next_query_at = $1::timestamptz + make_interval(secs => $2::int), query_attempts = query_attempts + 1, last_query_at = $1::timestamptz
   WHERE id IN (SELECT id FROM baofoo_payment_orders
                 WHERE status IN ('PENDING', 'REVIEW') AND next_query_at <= $1::timestamptz AND ($5::varchar IS NULL OR member_id = $5::varchar)
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

// A claim's query goes out only while the claim is current (no on-demand claim took the order since), and
// stamps when it went: the one-query-per-minute rule counts from the sending, not from the claim.
const STAMP_QUERY_SQL = `WITH stamped AS (UPDATE baofoo_payment_orders SET last_query_at = $3::timestamptz
   WHERE id = $1 AND query_attempts = $2 RETURNING id)
  SELECT id FROM stamped`;

// Only the claim that is still current may reschedule: a late answer must not undo a newer claim's lease.
// (Each statement is wrapped in a SELECT so the driver returns the rows, not [rows, count].)
const NOTE_QUERY_SQL = `WITH noted AS (UPDATE baofoo_payment_orders
     SET last_check_result = $3::varchar,
         next_query_at = CASE WHEN status = 'PENDING' THEN COALESCE($4::timestamptz, next_query_at)
                              WHEN status = 'REVIEW' AND fact_money IS NULL THEN $4::timestamptz
                              ELSE next_query_at END
   WHERE id = $1 AND query_attempts = $2
  RETURNING id)
  SELECT id FROM noted`;

// A claim whose query never went out (the instance is stopping) gives the order back: due now, for the
// next instance to claim once the minute since the claim's stamp has passed, not after the whole lease.
const RELEASE_QUERY_CLAIMS_SQL = `UPDATE baofoo_payment_orders o SET next_query_at = $3::timestamptz
   FROM unnest($1::bigint[], $2::int[]) AS u(id, attempts)
  WHERE o.id = u.id AND o.query_attempts = u.attempts AND o.status IN ('PENDING', 'REVIEW')`;

/**
 * Orders with versioned optimistic locking. A state change is one conditional
 * UPDATE on id, expected version and allowed prior states; its affected-row
 * count says whether this caller won (never `save()`, which checks nothing).
 */
@Injectable()
export class PaymentOrderRepository {
  /** Concurrent fast-path settlements share one statement (group commit); a lone one goes alone. */
  private readonly settles: GroupCommit<PendingSettlementWrite, boolean>;
  private readonly signal: OutboxSignal;

  constructor(
    private readonly db: BaofooDatabase,
    @Optional() @Inject(BAOFOO_OPTIONS) options?: { database: Pick<ResolvedBaofooOptions['database'], 'settleBatchSize' | 'settleBatchesInFlight'> },
    @Optional() signal?: OutboxSignal,
    @Optional() private readonly observation: BaofooObservation = UNOBSERVED,
  ) {
    // Built by hand (the CLI), events written here reach the relays of the running apps by NOTIFY.
    this.signal = signal ?? new OutboxSignal(db);
    // Without the module's options (the CLI, a repository built by hand) each settlement takes a statement of its own.
    const limits = options ? { maxBatch: options.database.settleBatchSize, maxInFlight: options.database.settleBatchesInFlight } : { maxBatch: 1, maxInFlight: Infinity };
    this.settles = new GroupCommit(
      (w) => this.settleOne(w),
      (batch) => this.settleMany(batch),
      // Two copies of one notification never share a statement: the second runs after the first, as it would alone.
      (w) => `${w.settlement.memberId}/${w.settlement.transId}`,
      limits,
    );
  }

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

  /** The orders with this TransID of the merchants named, or of any merchant when none are named; by merchant. */
  async findAllByTransId(transId: string, memberIds?: readonly string[]): Promise<OrderRow[]> {
    const rows: RawOrder[] = memberIds
      ? await this.db.query(`SELECT ${ORDER_COLUMNS} FROM baofoo_payment_orders WHERE member_id = ANY($1::varchar[]) AND trans_id = $2 ORDER BY member_id`, [
          memberIds,
          transId,
        ])
      : await this.db.query(`SELECT ${ORDER_COLUMNS} FROM baofoo_payment_orders WHERE trans_id = $1 ORDER BY member_id`, [transId]);
    return rows.map(toOrder);
  }

  /** Applies the change with its ledger row and events atomically; false when another writer got there first. */
  transition(change: OrderChange, ledger: LedgerEntry | null, events: readonly OutboxEntry[]): Promise<boolean> {
    return this.observation.observer.settlementStatement('transition', ledger, events, () => this.transitionNow(change, ledger, events));
  }

  private async transitionNow(change: OrderChange, ledger: LedgerEntry | null, events: readonly OutboxEntry[]): Promise<boolean> {
    const rows = await this.withEvents<{ changed: number }>(events.length, (lease) => {
      const { text, params } = transitionStatement(change, ledger, lease(events));
      return this.db.query(named('baofoo_transition', text), params);
    });
    return rows[0].changed === 1;
  }

  /**
   * PENDING → PAID in one statement when the order is PENDING and `paidMoney`
   * equals its amount; false (nothing written) otherwise, and the caller takes
   * the read-decide-update path.
   */
  settlePending(s: PendingSettlement, ledger: LedgerEntry, events: readonly OutboxEntry[]): Promise<boolean> {
    return this.observation.observer.settlementStatement('settlePending', ledger, events, () => this.settles.add({ settlement: s, ledger, events }));
  }

  private async settleOne({ settlement, ledger, events }: PendingSettlementWrite): Promise<boolean> {
    const rows = await this.withEvents<{ changed: number }>(events.length, (lease) => {
      const { text, params } = settlePendingStatement(settlement, ledger, lease(events));
      return this.db.query(named('baofoo_settle_pending', text), params);
    });
    return rows[0].changed === 1;
  }

  /** One statement for several settlements of different orders; each answer is known once it committed. */
  private async settleMany(batch: PendingSettlementWrite[]): Promise<boolean[]> {
    const rows = await this.withEvents<{ idx: number }>(
      batch.reduce((n, w) => n + w.events.length, 0),
      (lease) => {
        const { text, params } = settlePendingBatchStatement(batch.map((w) => ({ ...w, events: lease(w.events) })));
        return this.db.query(named('baofoo_settle_pending_batch', text), params);
      },
    );
    const won = new Set(rows.map((r) => r.idx));
    return batch.map((_, idx) => won.has(idx));
  }

  /** Records a ledger row and events that change no order (duplicates, rejections, anomalies). */
  async record(ledger: LedgerEntry | null, events: readonly OutboxEntry[]): Promise<void> {
    await this.observation.observer.settlementStatement('record', ledger, events, () => this.recordNow(ledger, events));
  }

  private async recordNow(ledger: LedgerEntry | null, events: readonly OutboxEntry[]): Promise<boolean> {
    await this.withEvents(events.length, (lease) => {
      const { text, params } = recordStatement(ledger, lease(events));
      return this.db.query(named('baofoo_record', text), params);
    });
    return true;
  }

  /**
   * Runs a statement that may insert `count` events (one row per event it
   * inserted, with its `InsertedOutboxRow` columns). Those it inserts while
   * the relay of this process has slots free are born claimed and handed to
   * it once committed; the relays are woken for the others.
   */
  private async withEvents<R>(count: number, run: (lease: (events: readonly OutboxEntry[]) => readonly OutboxEntry[]) => Promise<(R & Partial<InsertedOutboxRow>)[]>): Promise<R[]> {
    const births = this.signal.reserve(count);
    let rows: (R & Partial<InsertedOutboxRow>)[];
    try {
      rows = await run((events) => (births ? births.lease(events) : events));
    } catch (e) {
      births?.failed();
      throw e;
    }
    const inserted = rows.filter((r): r is R & InsertedOutboxRow => r.outbox_id != null);
    const adopted = births ? births.committed(inserted) : 0;
    if (inserted.length > adopted) this.signal.committed();
    return rows;
  }

  /** Claims up to `limit` PENDING (or REVIEW awaiting money) orders (of `memberId`, when given) due at `now` for an order query, leasing each for `leaseSeconds`. */
  async claimDueForQuery(now: Date, leaseSeconds: number, limit: number, minIntervalSeconds: number, memberId: string | null = null): Promise<ClaimedOrder[]> {
    const rows: (RawOrder & { queryAttempts: number })[] = await this.db.query(CLAIM_DUE_SQL, [now, leaseSeconds, limit, minIntervalSeconds, memberId]);
    return rows.map(toClaimedOrder);
  }

  /** Claims one order (any status) for an on-demand query; null when it was queried within `minIntervalSeconds` or is being claimed. */
  async claimForQuery(orderId: string, now: Date, leaseSeconds: number, minIntervalSeconds: number): Promise<ClaimedOrder | null> {
    const rows: (RawOrder & { queryAttempts: number })[] = await this.db.query(CLAIM_ONE_SQL, [orderId, now, leaseSeconds, minIntervalSeconds]);
    return rows.length ? toClaimedOrder(rows[0]) : null;
  }

  /** Hands back claims whose query was not sent, due at `now`; a claim no longer current changes nothing. */
  async releaseQueryClaims(claims: readonly ClaimedOrder[], now: Date): Promise<void> {
    if (claims.length === 0) return;
    await this.db.query(RELEASE_QUERY_CLAIMS_SQL, [claims.map((c) => c.id), claims.map((c) => c.queryAttempts), now]);
  }

  /** Marks the claimed order's query as sent at `sentAt`; false when a newer claim owns the order (then nothing is sent). */
  async stampQuerySent(orderId: string, queryAttempts: number, sentAt: Date): Promise<boolean> {
    const rows: unknown[] = await this.db.query(STAMP_QUERY_SQL, [orderId, queryAttempts, sentAt]);
    return rows.length === 1;
  }

  /**
   * Records a query's outcome and when to ask next: for a PENDING order (null
   * keeps the lease), and for a REVIEW order awaiting money (null: never
   * again). False when a newer claim owns the order.
   */
  async noteQueryOutcome(orderId: string, queryAttempts: number, checkResult: string, nextQueryAt: Date | null): Promise<boolean> {
    const rows: unknown[] = await this.db.query(NOTE_QUERY_SQL, [orderId, queryAttempts, checkResult.slice(0, 32), nextQueryAt]);
    return rows.length === 1;
  }
}
