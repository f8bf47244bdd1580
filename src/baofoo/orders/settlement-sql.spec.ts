import { describe, expect, it } from '@jest/globals';
import { SqlParams } from '../database/sql-params.ts';
import { outboxEntry } from '../events/outbox-entry.ts';
import type { LedgerEntry } from '../notifications/ledger-entry.ts';
import { ledgerInsertSql, recordStatement, settlePendingBatchStatement, settlePendingStatement, settlePendingUpdateSql, transitionStatement, transitionUpdateSql, type OrderChange, type PendingSettlement } from './settlement-sql.ts';

const LEDGER: LedgerEntry = {
  orderId: '7',
  memberId: '100000178',
  terminalId: '10000001',
  transId: 'T1',
  sourceIp: '127.0.0.1',
  method: 'POST',
  fields: { TransID: 'T1' },
  rawBody: 'TransID=T1',
  verdict: 'applied',
  reasonCode: null,
  reason: null,
  keyId: 'k1',
  fromStatus: 'PENDING',
  toStatus: 'PAID',
  httpStatus: 200,
};

const EVENT = outboxEntry(
  'baofoo.payment.failed',
  { orderId: '7', transId: 'T1', memberId: '100000178', terminalId: '10000001', orderMoney: 100, factMoney: null, status: 'FAILED', previousStatus: 'PENDING', source: 'notification' },
  new Date('2025-11-25T04:00:00Z'),
  { resultDesc: '0013', succTime: null, reason: null },
);

const CHANGE: OrderChange = {
  orderId: '7',
  expectedVersion: 3,
  from: ['PENDING'],
  to: 'FAILED',
  factMoney: null,
  resultDesc: '0013',
  succTime: null,
  settledBy: 'notification',
  reviewReason: null,
  nextQueryAt: null,
};

const PENDING: PendingSettlement = {
  memberId: '100000178',
  transId: 'T1',
  terminalId: '10000001',
  paidMoney: 100,
  resultDesc: '01',
  succTime: '20251125120000',
  settledBy: 'notification',
  additionalInfo: 'coupon',
};

/** The value bound to placeholder `$n` of a statement's text. */
const bound = (params: unknown[], text: string, pattern: RegExp): unknown => params[Number(pattern.exec(text)![1]) - 1];

describe('transitionUpdateSql', () => {
  it('binds the id, the expected version and the allowed prior states in its WHERE, each to its own placeholder', () => {
    const p = new SqlParams();
    const text = transitionUpdateSql(CHANGE, p);

    expect(bound(p.values, text, /WHERE id = \$(\d+)/)).toBe('7');
    expect(bound(p.values, text, /version = \$(\d+)/)).toBe(3);
    expect(bound(p.values, text, /status = ANY\(\$(\d+)::varchar\[\]\)/)).toEqual(['PENDING']);
    expect(bound(p.values, text, /SET status = \$(\d+)/)).toBe('FAILED');
    expect(bound(p.values, text, /next_query_at = \$(\d+)/)).toBeNull();
    expect(new Set(text.match(/\$\d+/g)).size).toBe(p.values.length);
  });
});

describe('settlePendingUpdateSql', () => {
  it('matches only a PENDING order of the merchant, terminal and amount, with the echoed AdditionalInfo when the news has one', () => {
    const p = new SqlParams();
    const text = settlePendingUpdateSql(PENDING, p);

    expect(text).toContain("status = 'PENDING'");
    expect(bound(p.values, text, /order_money = \$(\d+)/)).toBe(100);
    expect(bound(p.values, text, /terminal_id = \$(\d+)/)).toBe('10000001');
    expect(bound(p.values, text, /additional_info = \$(\d+)/)).toBe('coupon');
  });

  it('has one text with or without an echoed AdditionalInfo, binding null when the news carries none (it is prepared under one name)', () => {
    const withInfo = new SqlParams();
    const withoutInfo = new SqlParams();
    const text = settlePendingUpdateSql({ ...PENDING, additionalInfo: null }, withoutInfo);

    expect(text).toBe(settlePendingUpdateSql(PENDING, withInfo));
    expect(bound(withoutInfo.values, text, /additional_info = \$(\d+)/)).toBeNull();
    expect(text).toMatch(/\$(\d+)::varchar IS NULL OR o\.additional_info = \$\1::varchar/);
  });
});

describe('ledgerInsertSql', () => {
  it('inserts nothing for no entry, and the entry as one JSON row otherwise', () => {
    const none = new SqlParams();
    ledgerInsertSql(null, none);
    const one = new SqlParams();
    ledgerInsertSql(LEDGER, one);

    expect(JSON.parse(none.values[0] as string)).toEqual([]);
    expect(JSON.parse(one.values[0] as string)).toEqual([expect.objectContaining({ order_id: '7', verdict: 'applied', key_id: 'k1', http_status: 200 })]);
  });
});

describe('transitionStatement and settlePendingStatement', () => {
  it('numbers the UPDATE, ledger and outbox parameters in one sequence and inserts only when the UPDATE matched', () => {
    const { text, params } = transitionStatement(CHANGE, LEDGER, [EVENT]);

    expect(text).toMatch(/^WITH changed AS \(UPDATE baofoo_payment_orders/);
    expect(text.match(/WHERE EXISTS \(SELECT 1 FROM changed\)/g)).toHaveLength(2);
    expect(params).toHaveLength(12);
    expect(JSON.parse(params[10] as string)[0]).toMatchObject({ trans_id: 'T1' });
    expect(JSON.parse(params[11] as string)[0]).toMatchObject({ event_id: EVENT.event_id, type: 'baofoo.payment.failed' });
    expect(text).toContain('jsonb_to_recordset($11::jsonb)');
    expect(text).toContain('jsonb_to_recordset($12::jsonb)');
  });

  it('drops a copy of a once-per-order event (the AdditionalInfo flag of a late result) on that unique index only, never another conflict', () => {
    const { text } = transitionStatement(CHANGE, LEDGER, [EVENT]);

    expect(text).toContain(
      `ON CONFLICT (order_id, type, (payload->>'reason')) WHERE type IN ('baofoo.payment.anomaly', 'baofoo.notification.additional_info_mismatch') DO NOTHING RETURNING id`,
    );
    expect(text).not.toMatch(/ON CONFLICT DO NOTHING/);
  });

  it('takes the order id of ledger and events from the updated row on the fast path', () => {
    const { text } = settlePendingStatement(PENDING, { ...LEDGER, orderId: null }, [EVENT]);

    expect(text).toContain('SELECT changed.id, l.member_id');
    expect(text).toContain("changed.id, e.trans_id, e.payload || jsonb_build_object('orderId', changed.id::text)");
    expect(text).not.toContain('WHERE EXISTS');
    expect(text).not.toContain('ON CONFLICT');
  });
});

describe('settlePendingBatchStatement', () => {
  it('takes each row’s order id from its updated order and, like the one-row fast path, keeps the plain outbox insert', () => {
    const { text } = settlePendingBatchStatement([
      { settlement: PENDING, ledger: { ...LEDGER, orderId: null }, events: [EVENT] },
      { settlement: { ...PENDING, transId: 'T2' }, ledger: { ...LEDGER, orderId: null, transId: 'T2' }, events: [EVENT] },
    ]);

    expect(text).toContain("e.payload || jsonb_build_object('orderId', changed.id::text)");
    expect(text).not.toContain('ON CONFLICT');
  });
});

describe('recordStatement', () => {
  it('writes the ledger row and the events with no UPDATE', () => {
    const { text, params } = recordStatement(LEDGER, [EVENT]);

    expect(text).not.toContain('UPDATE');
    expect(text).toContain('jsonb_to_recordset($1::jsonb)');
    expect(text).toContain('jsonb_to_recordset($2::jsonb)');
    expect(params).toHaveLength(2);
  });
});
