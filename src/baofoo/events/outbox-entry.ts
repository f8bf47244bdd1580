import { randomUUID } from 'node:crypto';
import type { Fen } from '../protocol/money.ts';

/** An outbox row as the writers insert it (see OutboxEventEntity). */
export interface OutboxEntry {
  event_id: string;
  type: string;
  order_id: string | null;
  trans_id: string | null;
  payload: Record<string, unknown>;
}

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
  source: 'notification' | 'query' | 'expiry' | 'system';
}

/** Builds an outbox row with a fresh stable event id; `extra` adds the event's own fields. */
export function outboxEntry(type: string, subject: EventSubject, occurredAt: Date, extra: Record<string, unknown> = {}): OutboxEntry {
  const eventId = randomUUID();
  const { orderId, ...rest } = subject;
  return {
    event_id: eventId,
    type,
    order_id: orderId,
    trans_id: subject.transId,
    payload: { eventId, type, occurredAt: occurredAt.toISOString(), ...rest, ...extra },
  };
}
