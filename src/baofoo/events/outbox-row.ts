import { randomUUID } from 'node:crypto';
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
  const { eventId, occurredAt, ...fields } = input;
  const at = occurredAt === undefined ? new Date() : new Date(occurredAt);
  if (Number.isNaN(at.getTime())) throw new RangeError(`occurredAt ${String(occurredAt)} is not a time`);
  return { ...fields, eventId: eventId ?? randomUUID(), type, occurredAt: at.toISOString() } as unknown as BaofooEventMap[K];
}

/** One `baofoo_outbox` row as its columns, the same shape for every writer. */
export interface OutboxRow {
  event_id: string;
  type: BaofooEventName;
  order_id: string | null;
  trans_id: string | null;
  payload: BaofooEvent;
}

/** The row that records `event` in the outbox; write it in the same transaction (ideally the same statement) as the change it reports. */
export function outboxRow(event: BaofooEvent): OutboxRow {
  return { event_id: event.eventId, type: event.type, order_id: event.orderId, trans_id: event.transId, payload: event };
}

export const OUTBOX_INSERT_COLUMNS = '(event_id, type, order_id, trans_id, payload)';

export interface OutboxRowsSql {
  /** `SELECT … FROM unnest(…) AS e(event_id, type, order_id, trans_id, payload)`: add a WHERE to insert only when the order UPDATE matched. */
  select: string;
  params: unknown[];
}

/**
 * The rows as one SELECT over array parameters `$first…$first+4`, for
 * `INSERT INTO baofoo_outbox ${OUTBOX_INSERT_COLUMNS} ${select}` inside the
 * writer's statement, e.g. after `WITH changed AS (UPDATE … RETURNING id)`
 * with `WHERE EXISTS (SELECT 1 FROM changed)`. Nothing else is needed to wake
 * the relay: the outbox's insert trigger sends the NOTIFY.
 */
export function outboxRowsSql(rows: readonly OutboxRow[], first = 1): OutboxRowsSql {
  const p = (i: number) => `$${first + i}`;
  return {
    select: `SELECT * FROM unnest(${p(0)}::uuid[], ${p(1)}::varchar[], ${p(2)}::bigint[], ${p(3)}::varchar[], ${p(4)}::jsonb[]) AS e(event_id, type, order_id, trans_id, payload)`,
    params: [
      rows.map((r) => r.event_id),
      rows.map((r) => r.type),
      rows.map((r) => r.order_id),
      rows.map((r) => r.trans_id),
      rows.map((r) => JSON.stringify(r.payload)),
    ],
  };
}
