import { describe, expect, it } from '@jest/globals';
import type { PaymentSucceededEvent } from '../baofoo/events/baofoo-events.ts';
import { FulfilmentListener } from './fulfilment.listener.ts';
import type { FulfilmentService } from './fulfilment.service.ts';

function paid(overrides: Partial<PaymentSucceededEvent>): PaymentSucceededEvent {
  return {
    eventId: 'e1',
    type: 'baofoo.payment.succeeded',
    occurredAt: '2026-03-02T02:00:00.000Z',
    orderId: '1',
    transId: 'T1',
    memberId: '100000178',
    terminalId: '10000001',
    orderMoney: 5000,
    factMoney: 5000,
    status: 'PAID',
    previousStatus: 'PENDING',
    source: 'notification',
    resultDesc: '01',
    succTime: null,
    late: false,
    partial: false,
    shortfall: 0,
    reason: null,
    ...overrides,
  };
}

describe('FulfilmentListener', () => {
  const calls: [string, string, string | null][] = [];
  const service = { fulfil: async (eventId: string, transId: string, held: string | null = null) => (calls.push([eventId, transId, held]), true) } as unknown as FulfilmentService;
  const listener = new FulfilmentListener(service);

  it('ships an order paid in full', async () => {
    calls.length = 0;
    await listener.onPaid(paid({}));
    expect(calls).toEqual([['e1', 'T1', null]]);
  });

  it('holds a partial prepaid-card payment for follow-up instead of shipping it, saying how much is missing', async () => {
    calls.length = 0;
    await listener.onPaid(paid({ factMoney: 3000, partial: true, shortfall: 2000 }));
    expect(calls).toEqual([['e1', 'T1', 'partial payment: 3000 of 5000 fen, 2000 fen short']]);
  });
});
