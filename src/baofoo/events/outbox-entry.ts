import type { OrderStatus } from '../orders/order-status.ts';
import type { Fen } from '../protocol/money.ts';
import type { BaofooEventName, BaofooEventSource } from './baofoo-events.ts';
import { baofooEvent, outboxRow, type BaofooEventInput, type OutboxRow } from './outbox-row.ts';

/** An outbox row as the writers insert it (see OutboxEventEntity). */
export type OutboxEntry = OutboxRow;

/** What every event says about its order. */
export interface EventSubject {
  orderId: string | null;
  transId: string | null;
  memberId: string | null;
  terminalId: string | null;
  orderMoney: Fen | null;
  factMoney: Fen | null;
  status: string | null;
  previousStatus: string | null;
  source: BaofooEventSource;
}

/**
 * The writers' shorthand for `outboxRow(baofooEvent(type, { ...subject, ...extra, occurredAt }))`:
 * a row with a fresh stable event id; `extra` adds the event's own fields
 * (see `BaofooEventMap` for what each event carries).
 */
export function outboxEntry(type: BaofooEventName, subject: EventSubject, occurredAt: Date, extra: Record<string, unknown> = {}): OutboxEntry {
  const input = { ...subject, status: subject.status as OrderStatus | null, previousStatus: subject.previousStatus as OrderStatus | null, ...extra, occurredAt };
  return outboxRow(baofooEvent(type, input as BaofooEventInput<typeof type>));
}
