import { describe, expect, it } from '@jest/globals';
import { deadLetterEvent } from './dead-letter-event.ts';

describe('deadLetterEvent', () => {
  it('reports the listener and the original event, with the original’s order fields, from the module itself', () => {
    const original = {
      eventId: '6f1c1a52-51c4-4a53-9a0b-5f3e6d2f8e11',
      type: 'baofoo.payment.succeeded',
      payload: { orderId: '7', transId: 'T1', memberId: 'm', terminalId: 't', orderMoney: 100, factMoney: 100, status: 'PAID', previousStatus: 'PENDING', source: 'notification', late: false },
    };

    const event = deadLetterEvent(original, { listener: 'Ledger.onPaid', attempts: 8, lastError: 'Error: down' });

    expect(event).toMatchObject({
      type: 'baofoo.delivery.dead_lettered',
      source: 'system',
      orderId: '7',
      transId: 'T1',
      orderMoney: 100,
      status: 'PAID',
      deadLetter: { eventId: original.eventId, type: 'baofoo.payment.succeeded', listener: 'Ledger.onPaid', attempts: 8, lastError: 'Error: down' },
    });
    expect(event.eventId).not.toBe(original.eventId);
    expect(event).not.toHaveProperty('late');
  });

  it('fills the order fields with null when the original had none', () => {
    const event = deadLetterEvent({ eventId: 'e', type: 'baofoo.notification.rejected', payload: {} }, { listener: 'L.m', attempts: 1, lastError: null });

    expect(event).toMatchObject({ orderId: null, transId: null, orderMoney: null, deadLetter: { lastError: '' } });
  });
});
