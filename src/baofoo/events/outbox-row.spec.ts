import { describe, expect, it } from '@jest/globals';
import { outboxEntry } from './outbox-entry.ts';
import { baofooEvent, outboxRow, outboxRowsSql } from './outbox-row.ts';

const SUBJECT = {
  orderId: '42',
  transId: 'T2025112500000000042',
  memberId: '100000178',
  terminalId: '10000001',
  orderMoney: 100,
  factMoney: 100,
  status: 'PAID',
  previousStatus: 'PENDING',
  source: 'notification',
} as const;

describe('baofooEvent', () => {
  it('gives each event a fresh uuid, its type and the time as ISO 8601', () => {
    const a = baofooEvent('baofoo.payment.succeeded', { ...SUBJECT, resultDesc: '01', succTime: '20251125120000', late: false });
    const b = baofooEvent('baofoo.payment.succeeded', { ...SUBJECT, resultDesc: '01', succTime: '20251125120000', late: false });

    expect(a.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b.eventId).not.toBe(a.eventId);
    expect(a).toMatchObject({ ...SUBJECT, type: 'baofoo.payment.succeeded', late: false });
    expect(new Date(a.occurredAt).toISOString()).toBe(a.occurredAt);
  });

  it('keeps an id and a time it is given, so a retried write reuses them', () => {
    const event = baofooEvent('baofoo.order.expired', {
      ...SUBJECT,
      status: 'EXPIRED',
      source: 'expiry',
      reason: 'unknown to the gateway after the grace time',
      lastCheckResult: 'N',
      eventId: '6f1c1a52-51c4-4a53-9a0b-5f3e6d2f8e11',
      occurredAt: new Date('2025-11-25T04:00:00Z'),
    });

    expect(event.eventId).toBe('6f1c1a52-51c4-4a53-9a0b-5f3e6d2f8e11');
    expect(event.occurredAt).toBe('2025-11-25T04:00:00.000Z');
  });

  it('refuses a time that is not one', () => {
    expect(() => baofooEvent('baofoo.payment.failed', { ...SUBJECT, resultDesc: '0000', succTime: null, occurredAt: 'yesterday' })).toThrow(/occurredAt yesterday is not a time/);
  });
});

describe('outboxRow', () => {
  it('puts the event id, type, order id and TransID in their columns and the whole event in the payload', () => {
    const event = baofooEvent('baofoo.payment.anomaly', { ...SUBJECT, reason: 'failure after PAID', resultDesc: '0000' });

    expect(outboxRow(event)).toEqual({ event_id: event.eventId, type: 'baofoo.payment.anomaly', order_id: '42', trans_id: 'T2025112500000000042', payload: event });
  });

  it('is what the writers’ outboxEntry shorthand builds', () => {
    const at = new Date('2025-11-25T04:00:00Z');
    const entry = outboxEntry('baofoo.payment.succeeded', SUBJECT, at, { resultDesc: '01', succTime: null, late: true });
    const row = outboxRow(baofooEvent('baofoo.payment.succeeded', { ...SUBJECT, resultDesc: '01', succTime: null, late: true, eventId: entry.event_id, occurredAt: at }));

    expect(entry).toEqual(row);
  });
});

describe('outboxRowsSql', () => {
  it('numbers its five array parameters from the one given and passes each payload as JSON', () => {
    const event = baofooEvent('baofoo.notification.rejected', { ...SUBJECT, orderId: null, reason: 'bad signature', reasonCode: 'BAD_SIGNATURE', sourceIp: '203.0.113.9' });

    const { select, params } = outboxRowsSql([outboxRow(event)], 11);

    expect(select).toBe(
      'SELECT * FROM unnest($11::uuid[], $12::varchar[], $13::bigint[], $14::varchar[], $15::jsonb[]) AS e(event_id, type, order_id, trans_id, payload)',
    );
    expect(params).toEqual([[event.eventId], ['baofoo.notification.rejected'], [null], ['T2025112500000000042'], [JSON.stringify(event)]]);
  });
});
