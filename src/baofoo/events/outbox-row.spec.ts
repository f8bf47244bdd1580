import { describe, expect, it } from '@jest/globals';
import { outboxEntry } from './outbox-entry.ts';
import { SqlParams } from '../database/sql-params.ts';
import { baofooEvent, outboxInsertSql, outboxInsertStatement, outboxRow } from './outbox-row.ts';

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
    const a = baofooEvent('baofoo.payment.succeeded', { ...SUBJECT, resultDesc: '01', succTime: '20251125120000', late: false, partial: false, shortfall: 0, reason: null });
    const b = baofooEvent('baofoo.payment.succeeded', { ...SUBJECT, resultDesc: '01', succTime: '20251125120000', late: false, partial: false, shortfall: 0, reason: null });

    expect(a.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b.eventId).not.toBe(a.eventId);
    expect(a).toMatchObject({ ...SUBJECT, type: 'baofoo.payment.succeeded', late: false, partial: false, shortfall: 0, reason: null });
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
    expect(() => baofooEvent('baofoo.payment.failed', { ...SUBJECT, resultDesc: '0000', succTime: null, reason: null, occurredAt: 'yesterday' })).toThrow(/occurredAt yesterday is not a time/);
  });
});

describe('outboxRow', () => {
  it('puts the event id, type, order id and TransID in their columns and the whole event in the payload', () => {
    const event = baofooEvent('baofoo.payment.anomaly', { ...SUBJECT, reason: 'failure after PAID', resultDesc: '0000', succTime: null });

    expect(outboxRow(event)).toEqual({ event_id: event.eventId, type: 'baofoo.payment.anomaly', order_id: '42', trans_id: 'T2025112500000000042', payload: event });
  });

  it('is what the writers’ outboxEntry shorthand builds', () => {
    const at = new Date('2025-11-25T04:00:00Z');
    const entry = outboxEntry('baofoo.payment.succeeded', SUBJECT, at, { resultDesc: '01', succTime: null, late: true, partial: false, shortfall: 0, reason: null });
    const row = outboxRow(baofooEvent('baofoo.payment.succeeded', { ...SUBJECT, resultDesc: '01', succTime: null, late: true, partial: false, shortfall: 0, reason: null, eventId: entry.event_id, occurredAt: at }));

    expect(entry).toEqual(row);
  });
});

describe('outboxInsertSql', () => {
  it('takes its one parameter after those already collected and passes the rows as one JSON array', () => {
    const event = baofooEvent('baofoo.notification.rejected', { ...SUBJECT, orderId: null, reason: 'bad signature', reasonCode: 'BAD_SIGNATURE', sourceIp: '203.0.113.9' });
    const params = new SqlParams();
    params.add('first');

    const text = outboxInsertSql([outboxRow(event)], params);

    expect(text).toContain('jsonb_to_recordset($2::jsonb)');
    expect(text).not.toContain('WHERE');
    expect(params.values).toHaveLength(2);
    expect(JSON.parse(params.values[1] as string)).toEqual([{ event_id: event.eventId, type: 'baofoo.notification.rejected', order_id: null, trans_id: 'T2025112500000000042', payload: event }]);
  });

  it('inserts only when the guarding CTE has a row, and takes the order id from the CTE named for it', () => {
    const rows = [outboxRow(baofooEvent('baofoo.payment.failed', { ...SUBJECT, resultDesc: '0013', succTime: null, reason: null }))];

    const guarded = outboxInsertSql(rows, new SqlParams(), { onlyIf: 'changed' });
    const fromUpdate = outboxInsertSql(rows, new SqlParams(), { orderIdFrom: 'changed' });

    expect(guarded).toMatch(/WHERE EXISTS \(SELECT 1 FROM changed\)$/);
    expect(guarded).toContain('SELECT e.event_id, e.type, e.order_id,');
    expect(fromUpdate).toContain("SELECT e.event_id, e.type, changed.id, e.trans_id, e.payload || jsonb_build_object('orderId', changed.id::text)");
    expect(fromUpdate).toContain('FROM changed, jsonb_to_recordset($1::jsonb)');
  });

  it('makes lone surrogates well formed, which PostgreSQL would refuse', () => {
    const event = baofooEvent('baofoo.payment.anomaly', { ...SUBJECT, reason: 'bad \ud800 half', resultDesc: null, succTime: null });

    const { params } = outboxInsertStatement([outboxRow(event)]);

    expect(params[0]).toContain('bad \ufffd half');
  });
});
