import type { BaofooEventBase, DeliveryDeadLetteredEvent } from './baofoo-events.ts';
import { baofooEvent } from './outbox-row.ts';

type Carried = Pick<BaofooEventBase, 'orderId' | 'transId' | 'memberId' | 'terminalId' | 'orderMoney' | 'factMoney' | 'status' | 'previousStatus'>;

function carried(payload: Record<string, unknown>): Carried {
  const pick = <T>(name: keyof Carried) => (payload[name] ?? null) as T;
  return {
    orderId: pick('orderId'),
    transId: pick('transId'),
    memberId: pick('memberId'),
    terminalId: pick('terminalId'),
    orderMoney: pick('orderMoney'),
    factMoney: pick('factMoney'),
    status: pick('status'),
    previousStatus: pick('previousStatus'),
  };
}

/** The event that reports a listener giving up on `original`; it carries the original's order fields so ops see which payment it was about. */
export function deadLetterEvent(
  original: { eventId: string; type: string; payload: Record<string, unknown> },
  delivery: { listener: string; attempts: number; lastError: string | null },
): DeliveryDeadLetteredEvent {
  return baofooEvent('baofoo.delivery.dead_lettered', {
    ...carried(original.payload),
    source: 'system',
    deadLetter: {
      eventId: original.eventId,
      type: original.type,
      listener: delivery.listener,
      attempts: delivery.attempts,
      lastError: delivery.lastError ?? '',
    },
  });
}
