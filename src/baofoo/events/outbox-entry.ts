import type { OrderStatus } from '../orders/order-status.ts';
import type { BaofooEventBase, BaofooEventMap, BaofooEventName } from './baofoo-events.ts';
import { baofooEvent, outboxRow, type BaofooEventInput, type OutboxRow } from './outbox-row.ts';

/** An outbox row as the writers insert it (see OutboxEventEntity). */
export type OutboxEntry = OutboxRow;

/** What every event says about its order, before it has an id, a type and a time. */
export type EventSubject = Omit<BaofooEventBase, 'eventId' | 'type' | 'occurredAt' | 'status' | 'previousStatus'> & {
  status: string | null;
  previousStatus: string | null;
};

/** An event's own fields, beyond those every event carries: the compiler holds each writer to its event's type. */
export type EventFields<K extends BaofooEventName> = Omit<BaofooEventMap[K], keyof BaofooEventBase>;

/**
 * The writers' shorthand for `outboxRow(baofooEvent(type, { ...subject, ...extra, occurredAt }))`:
 * a row with a fresh stable event id; `extra` adds the event's own fields
 * (see `BaofooEventMap` for what each event carries).
 */
export function outboxEntry<K extends BaofooEventName>(type: K, subject: EventSubject, occurredAt: Date, extra: EventFields<K>): OutboxEntry {
  const input = { ...subject, status: subject.status as OrderStatus | null, previousStatus: subject.previousStatus as OrderStatus | null, ...extra, occurredAt };
  return outboxRow(baofooEvent(type, input as unknown as BaofooEventInput<K>));
}
