import { describe, expect, it } from '@jest/globals';
import { eventSchemaErrors } from '../../../../test/support/event-schema-validator.ts';
import { decide, type OrderNews } from '../../orders/order-state-machine.ts';
import type { OrderStatus } from '../../orders/order-status.ts';
import type { OrderRow } from '../../orders/payment-order.repository.ts';
import { noChangeEvents, transitionEvents, type Settlement } from '../../orders/settlement-records.ts';
import { mismatchEvent } from '../../reconciliation/query-records.ts';
import { BAOFOO_EVENT_NAMES } from '../baofoo-events.ts';
import { deadLetterEvent } from '../dead-letter-event.ts';
import { BAOFOO_EVENT_SCHEMAS } from './event-schemas.ts';

const AT = new Date('2026-11-25T04:00:00Z');

function order(status: OrderStatus, o: { payId?: string; orderMoney?: number; factMoney?: number | null; additionalInfo?: string } = {}): OrderRow {
  return {
    id: '42',
    memberId: '100000178',
    terminalId: '10000001',
    transId: 'T2026112500000000042',
    payId: o.payId ?? '3002',
    tradeDate: '20261125120000',
    orderMoney: o.orderMoney ?? 10000,
    factMoney: o.factMoney ?? null,
    status,
    version: 1,
    additionalInfo: o.additionalInfo ?? '',
    createdAt: AT,
  };
}

const notified = (succeeded: boolean, paidMoney: number, additionalInfo = ''): OrderNews => ({ succeeded, paidMoney, resultDesc: succeeded ? '01' : '0013', source: 'notification', additionalInfo });

/** The events the settlement writers build for `news` about `row`, as they go to the outbox. */
function payloads(row: OrderRow, news: OrderNews, answer: { succTime?: string; checkResult?: string | null } = {}) {
  const s: Settlement = {
    memberId: row.memberId,
    transId: row.transId,
    terminalId: row.terminalId,
    news,
    resultDesc: 'resultDesc' in news ? news.resultDesc : null,
    succTime: answer.succTime ?? '',
    evidence: { sourceIp: '127.0.0.1', method: 'POST', fields: null, rawBody: '', keyId: 'k1', httpStatus: 200 },
    checkResult: answer.checkResult ?? null,
    reviewNextQueryAt: null,
  };
  const d = decide(row, news, { additionalInfoMismatch: 'settle' });
  return (d.kind === 'transition' ? transitionEvents(row, d, s, AT) : noChangeEvents(row, d, s, AT)).map((e) => e.payload);
}

/** Every kind of event the writers build, from the module's own pure code. */
const CASES: [string, () => unknown[]][] = [
  ['a full payment', () => payloads(order('PENDING'), notified(true, 10000), { succTime: '20261125120000' })],
  ['a partial prepaid payment, flagged AdditionalInfo', () => payloads(order('PENDING', { payId: '101', additionalInfo: 'a' }), notified(true, 5000, 'b'), { succTime: '20261125120000' })],
  ['a late payment', () => payloads(order('EXPIRED'), notified(true, 10000), { succTime: '20261125120000' })],
  ['a failure without SuccTime', () => payloads(order('PENDING'), notified(false, 0))],
  ['an amount that needs review', () => payloads(order('PENDING'), notified(true, 9999), { succTime: '20261125120000' })],
  ['a failure after PAID (anomaly, without SuccTime)', () => payloads(order('PAID', { factMoney: 10000 }), notified(false, 0))],
  ['an expiry', () => payloads(order('PENDING'), { giveUp: 'EXPIRED', reason: 'N after the grace time', source: 'query' }, { checkResult: 'N' })],
  ['a still-processing review', () => payloads(order('PENDING'), { giveUp: 'REVIEW', reason: 'P at the maximum age', source: 'query' }, { checkResult: 'P' })],
  ['an operator paying a REVIEW order', () => payloads(order('REVIEW', { factMoney: 9999 }), { resolve: { to: 'PAID', paidMoney: 9999 }, by: 'ops', why: 'customer paid by transfer', source: 'operator' })],
  ['an operator failing a REVIEW order', () => payloads(order('REVIEW'), { resolve: { to: 'FAILED' }, by: 'ops', why: 'refunded', source: 'operator' })],
  [
    'a reconciliation mismatch',
    () => {
      const row = order('PAID', { factMoney: 10000 });
      const answer = { memberId: row.memberId, terminalId: row.terminalId, transId: row.transId, checkResult: 'Y' as const, succMoney: 9000, succTime: '20261125120000' };
      return [mismatchEvent(row, 'query says 9000 fen paid, the order 10000', { answer, text: '', status: 200, host: '127.0.0.1' }, AT).payload];
    },
  ],
  [
    'a dead letter',
    () => [deadLetterEvent({ eventId: '6f1c1a52-51c4-4a53-9a0b-5f3e6d2f8e11', type: 'baofoo.payment.succeeded', payload: { orderId: '42', orderMoney: 100 } }, { listener: 'Ledger.onPaid', attempts: 5, lastError: null })],
  ],
];

describe('the event schemas', () => {
  it.each(CASES)('describe the events the writers build for %s', (_name, build) => {
    const events = build();

    expect(events.length).toBeGreaterThan(0);
    expect(events.flatMap(eventSchemaErrors)).toEqual([]);
  });

  it('cover every kind of event the cases build but the notification refusal, which its e2e suite settles', () => {
    const built = new Set(CASES.flatMap(([, build]) => build().map((e) => (e as { type: string }).type)));

    expect(BAOFOO_EVENT_NAMES.filter((name) => !built.has(name))).toEqual(['baofoo.notification.rejected']);
    expect(Object.keys(BAOFOO_EVENT_SCHEMAS).sort()).toEqual([...BAOFOO_EVENT_NAMES].sort());
  });

  it('refuse money in yuan, a field no type declares, a missing field, an unknown status and a time in another format', () => {
    const [paid] = payloads(order('PENDING'), notified(true, 10000), { succTime: '20261125120000' });

    expect(eventSchemaErrors({ ...paid, factMoney: 100.5 })).toEqual([expect.stringContaining('/factMoney must be integer')]);
    expect(eventSchemaErrors({ ...paid, extra: 1 })).toEqual([expect.stringContaining('must NOT have additional properties')]);
    const missing: Record<string, unknown> = { ...paid };
    delete missing.shortfall;
    expect(eventSchemaErrors(missing)).toEqual([expect.stringContaining("must have required property 'shortfall'")]);
    expect(eventSchemaErrors({ ...paid, status: 'DONE' })).toEqual([expect.stringContaining('/status must be equal to one of the allowed values')]);
    expect(eventSchemaErrors({ ...paid, succTime: '2026-11-25 12:00:00' })).toEqual([expect.stringContaining('/succTime must match pattern')]);
    expect(eventSchemaErrors({ ...paid, occurredAt: 'yesterday' })).toEqual([expect.stringContaining('/occurredAt must match format "date-time"')]);
  });
});
