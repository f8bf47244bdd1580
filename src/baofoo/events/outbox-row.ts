import { randomUUID } from 'node:crypto';
import { guardedFrom, rowsJson, SqlParams, type InsertGuard, type SqlStatement } from '../database/sql-params.ts';
import type { BaofooEvent, BaofooEventMap, BaofooEventName } from './baofoo-events.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event's fields without what `baofooEvent` fills in (id, type, time); an id or a time may still be given. */
export type BaofooEventInput<K extends BaofooEventName> = DistributiveOmit<BaofooEventMap[K], 'eventId' | 'type' | 'occurredAt'> & {
  eventId?: string;
  occurredAt?: Date | string;
};

/**
 * Builds an event of the map with a fresh id and time. The id is made here,
 * before the write, so the writer can log it and a retried write of the same
 * change can reuse it (the outbox's unique event_id refuses a second copy).
 */
export function baofooEvent<K extends BaofooEventName>(type: K, input: BaofooEventInput<K>): BaofooEventMap[K] {
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(input)) if (key !== 'eventId' && key !== 'occurredAt') fields[key] = input[key as keyof typeof input];
  return stampEvent(fields, type, input.eventId, input.occurredAt);
}

/**
 * `fields` (an object the caller just built) made the event `type`: its id
 * and time appended, last, as `{ ...fields, eventId, type, occurredAt }`
 * would. Appended in place, not spread: on Node 20 a spread followed by
 * fields builds a new hidden class on every call (~1 µs a field).
 */
export function stampEvent<K extends BaofooEventName>(fields: Record<string, unknown>, type: K, eventId: string | undefined, occurredAt: Date | string | undefined): BaofooEventMap[K] {
  const at = occurredAt === undefined ? new Date() : new Date(occurredAt);
  if (Number.isNaN(at.getTime())) throw new RangeError(`occurredAt ${String(occurredAt)} is not a time`);
  fields.eventId = eventId ?? randomUUID();
  fields.type = type;
  fields.occurredAt = at.toISOString();
  return fields as unknown as BaofooEventMap[K];
}

/** One `baofoo_outbox` row as its columns, the same shape for every writer. */
export interface OutboxRow {
  event_id: string;
  type: BaofooEventName;
  order_id: string | null;
  trans_id: string | null;
  payload: BaofooEvent;
  /** Set on a row inserted already claimed by this process's relay (`OutboxReservation`): its lease, in ms. */
  lease_ms?: number;
}

/** The row that records `event` in the outbox; write it in the same transaction (ideally the same statement) as the change it reports. */
export function outboxRow(event: BaofooEvent): OutboxRow {
  return { event_id: event.eventId, type: event.type, order_id: event.orderId, trans_id: event.transId, payload: event };
}

/**
 * The one INSERT of outbox rows every writer uses: the rows travel as one
 * JSON parameter (strings made well formed). Inside a writer's statement,
 * `guard` ties the insert to its UPDATE (e.g. after
 * `WITH changed AS (UPDATE … RETURNING id)`, `{ onlyIf: 'changed' }` inserts
 * only when the UPDATE matched, `{ orderIdFrom: 'changed' }` also fills the
 * order id, column and payload, from it). Once the statement has committed,
 * the writer hands the rows it leased to its relay (`OutboxReservation`) and
 * wakes the relays for the others with `OutboxSignal.committed()`.
 */
export function outboxInsertSql(rows: readonly OutboxRow[], params: SqlParams, guard: InsertGuard = {}): string {
  const { from, where } = guardedFrom(params.add(rowsJson(rows)), 'e', 'event_id uuid, type varchar, order_id bigint, trans_id varchar, payload jsonb, lease_ms int', guard);
  const orderId = guard.orderIdFrom ? `${guard.orderIdFrom}.id` : 'e.order_id';
  const payload = guard.orderIdFrom ? `e.payload || jsonb_build_object('orderId', ${orderId}::text)` : 'e.payload';
  // A leased row is born claimed, as the relay's claim would leave it (its first claim, the lease from now):
  // the relay delivers it from memory, and it comes back to the queue by itself if that relay dies.
  return `INSERT INTO baofoo_outbox (event_id, type, order_id, trans_id, payload, next_attempt_at, attempts)
  SELECT e.event_id, e.type, ${orderId}, e.trans_id, ${payload},
    CASE WHEN e.lease_ms IS NULL THEN now() ELSE clock_timestamp() + e.lease_ms * interval '1 millisecond' END,
    CASE WHEN e.lease_ms IS NULL THEN 0 ELSE 1 END
  FROM ${from}${where}`;
}

/**
 * Event types raised at most once per order (and reason): their rows in the
 * outbox are what keeps them so, through `baofoo_outbox_anomaly_once`, so
 * housekeeping keeps them (one or two per order that ever raised one).
 */
export const ONCE_PER_ORDER_TYPES = ['baofoo.payment.anomaly', 'baofoo.notification.additional_info_mismatch'] as const;

/**
 * Appended to an outbox insert that changes an order and may carry an event
 * raised once per order (the unique index `baofoo_outbox_anomaly_once`: an
 * anomaly per order and reason, an AdditionalInfo flag per order): a later
 * copy is dropped while the order change and its own event are written. Any
 * other conflict, such as a reused event id, still fails the statement.
 */
export const ONCE_PER_ORDER_CONFLICT = `ON CONFLICT (order_id, type, (payload->>'reason')) WHERE type IN (${ONCE_PER_ORDER_TYPES.map((t) => `'${t}'`).join(', ')}) DO NOTHING`;

/** A statement that inserts `rows` on its own (inside the caller's transaction, if any). */
export function outboxInsertStatement(rows: readonly OutboxRow[]): SqlStatement {
  const params = new SqlParams();
  return { text: outboxInsertSql(rows, params), params: params.values };
}
