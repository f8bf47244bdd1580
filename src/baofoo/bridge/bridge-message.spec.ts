import { describe, expect, it } from '@jest/globals';
import type { BaofooEvent } from '../events/baofoo-events.ts';
import { bridgeMessage } from './bridge-message.ts';

const event = {
  eventId: '0b5e7a52-6a7e-4c55-9d8f-0d1c1e1f2a3b',
  type: 'baofoo.payment.succeeded',
  occurredAt: '2026-11-25T04:00:01.500Z',
  orderId: '7',
  transId: 'T1',
} as unknown as BaofooEvent;

describe('bridgeMessage', () => {
  it('carries the event id, name and time in the properties a consumer dedupes and routes on, and the event as JSON', () => {
    const m = bridgeMessage(event, { routingKey: (e) => e.type, messageProperties: () => ({}) });

    expect(m.routingKey).toBe('baofoo.payment.succeeded');
    expect(m.properties).toMatchObject({ messageId: event.eventId, type: 'baofoo.payment.succeeded', timestamp: 1795579201, contentType: 'application/json', persistent: true });
    expect(JSON.parse(m.body.toString('utf8'))).toEqual(event);
  });

  it('lets the app override the routing key and any property', () => {
    const m = bridgeMessage(event, { routingKey: (e) => `shop.${e.transId}`, messageProperties: () => ({ persistent: false, headers: { tenant: 'a' } }) });

    expect(m.routingKey).toBe('shop.T1');
    expect(m.properties).toMatchObject({ messageId: event.eventId, persistent: false, headers: { tenant: 'a' } });
  });
});
