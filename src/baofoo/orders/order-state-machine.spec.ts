import { allowedFrom, amountProblem, decide, priorStates, type OperatorNews, type OrderFacts, type PaymentNews } from './order-state-machine.ts';
import { ORDER_STATUSES, type OrderStatus } from './order-status.ts';

const bank = (status: OrderStatus, factMoney: number | null = null): OrderFacts => ({ status, payId: '3002', orderMoney: 10000, factMoney });
const card = (status: OrderStatus, factMoney: number | null = null): OrderFacts => ({ status, payId: '101', orderMoney: 10000, factMoney });
const paid = (paidMoney: number): PaymentNews => ({ succeeded: true, paidMoney, resultDesc: '01', source: 'notification' });
const failed = (resultDesc = '0000'): PaymentNews => ({ succeeded: false, paidMoney: 0, resultDesc, source: 'notification' });

describe('decide', () => {
  it('settles a pending bank order paid in full as PAID and announces the success', () => {
    expect(decide(bank('PENDING'), paid(10000))).toEqual({
      kind: 'transition',
      from: 'PENDING',
      to: 'PAID',
      verdict: 'applied',
      factMoney: 10000,
      late: false,
      reason: null,
      reasonCode: null,
      shortfall: 0,
      additionalInfoMismatch: null,
      event: 'baofoo.payment.succeeded',
    });
  });

  it('sends a pending bank order paid a different amount to REVIEW in either direction', () => {
    for (const amount of [9999, 10001, 0]) {
      const d = decide(bank('PENDING'), paid(amount));
      expect(d).toMatchObject({ kind: 'transition', to: 'REVIEW', verdict: 'review', factMoney: amount, event: 'baofoo.payment.review_required' });
      expect(d.reason).toContain(String(amount));
    }
  });

  it('treats the cashier (empty PayID) like a bank: the amount must match exactly', () => {
    expect(decide({ ...bank('PENDING'), payId: '' }, paid(5000))).toMatchObject({ to: 'REVIEW' });
    expect(decide({ ...bank('PENDING'), payId: '' }, paid(10000))).toMatchObject({ to: 'PAID' });
  });

  it('settles a prepaid card that paid less than the order as PAID with the amount paid, and says it is partial and by how much', () => {
    expect(decide(card('PENDING'), paid(5000))).toMatchObject({
      kind: 'transition',
      to: 'PAID',
      verdict: 'applied',
      factMoney: 5000,
      shortfall: 5000,
      reasonCode: 'PARTIAL_PAYMENT',
      reason: 'prepaid card paid 5000 fen of 10000: 5000 fen short',
    });
  });

  it('settles a prepaid card that paid the whole order with no shortfall and nothing to explain', () => {
    expect(decide(card('PENDING'), paid(10000))).toMatchObject({ to: 'PAID', shortfall: 0, reasonCode: null, reason: null });
  });

  it('sends a prepaid card that paid more than the order, or nothing, to REVIEW', () => {
    expect(decide(card('PENDING'), paid(10001))).toMatchObject({ to: 'REVIEW' });
    expect(decide(card('PENDING'), paid(0))).toMatchObject({ to: 'REVIEW' });
  });

  it('fails a pending order on a failure result without recording money', () => {
    expect(decide(bank('PENDING'), failed('0013'))).toEqual({
      kind: 'transition',
      from: 'PENDING',
      to: 'FAILED',
      verdict: 'applied',
      factMoney: null,
      late: false,
      reason: null,
      reasonCode: null,
      shortfall: null,
      additionalInfoMismatch: null,
      event: 'baofoo.payment.failed',
    });
  });

  it('counts the same success on a PAID order as a duplicate with no event', () => {
    expect(decide(bank('PAID', 10000), paid(10000))).toEqual({ kind: 'none', verdict: 'duplicate', reason: 'order already PAID', event: null, additionalInfoMismatch: null });
  });

  it('ignores a success with another amount on a PAID order and raises an anomaly', () => {
    expect(decide(bank('PAID', 10000), paid(20000))).toMatchObject({ kind: 'none', verdict: 'ignored', event: 'baofoo.payment.anomaly' });
  });

  it('never downgrades a PAID order on a failure and raises an anomaly instead', () => {
    expect(decide(bank('PAID', 10000), failed())).toMatchObject({ kind: 'none', verdict: 'ignored', event: 'baofoo.payment.anomaly' });
  });

  it('keeps an order under REVIEW with money as it is whatever success arrives, raising an anomaly for another amount as for PAID', () => {
    expect(decide(bank('REVIEW', 5000), paid(5000))).toMatchObject({ kind: 'none', verdict: 'duplicate', event: null });
    expect(decide(bank('REVIEW', 5000), paid(10000))).toMatchObject({ kind: 'none', verdict: 'ignored', event: 'baofoo.payment.anomaly' });
  });

  it('pays a FAILED or EXPIRED order late when a valid success arrives: money is never dropped', () => {
    for (const status of ['FAILED', 'EXPIRED'] as const) {
      expect(decide(bank(status), paid(10000))).toMatchObject({ kind: 'transition', from: status, to: 'PAID', late: true, event: 'baofoo.payment.succeeded' });
      expect(decide(bank(status), paid(1))).toMatchObject({ kind: 'transition', from: status, to: 'REVIEW', late: true });
    }
  });

  it('counts a repeated failure as a duplicate, ignores one on an EXPIRED order, and never drops the money of a REVIEW order on one', () => {
    expect(decide(bank('FAILED'), failed())).toMatchObject({ kind: 'none', verdict: 'duplicate', event: null });
    expect(decide(bank('REVIEW', 1), failed())).toMatchObject({ kind: 'none', verdict: 'ignored', event: 'baofoo.payment.anomaly' });
    expect(decide(bank('EXPIRED'), failed())).toMatchObject({ kind: 'none', verdict: 'ignored', event: null });
  });

  it('only ever proposes transitions that allowedFrom permits, so the conditional UPDATE can apply them', () => {
    for (const status of ORDER_STATUSES) {
      for (const news of [paid(10000), paid(1), failed()]) {
        const d = decide(bank(status, status === 'PAID' || status === 'REVIEW' ? 10000 : null), news);
        if (d.kind === 'transition') {
          expect(d.from).toBe(status);
          expect(allowedFrom(d.to)).toContain(status);
        }
      }
    }
  });
});

describe('allowedFrom', () => {
  it('lets PAID and REVIEW start from PENDING, from FAILED or EXPIRED (late money), and from a REVIEW still awaiting money', () => {
    expect(allowedFrom('PAID').sort()).toEqual(['EXPIRED', 'FAILED', 'PENDING', 'REVIEW']);
    expect(allowedFrom('REVIEW').sort()).toEqual(['EXPIRED', 'FAILED', 'PENDING', 'REVIEW']);
  });

  it('lets FAILED and EXPIRED start only from PENDING, and nothing go back to PENDING', () => {
    expect(allowedFrom('FAILED')).toEqual(['PENDING', 'REVIEW']);
    expect(allowedFrom('EXPIRED')).toEqual(['PENDING']);
    expect(allowedFrom('PENDING')).toEqual([]);
  });

  it('never lets a settled PAID order be left', () => {
    for (const to of ORDER_STATUSES) expect(allowedFrom(to)).not.toContain('PAID');
  });
});

describe('amountProblem', () => {
  it('accepts a bank payment of exactly the order amount and explains any other', () => {
    expect(amountProblem({ payId: '4002', orderMoney: 100 }, 100)).toBeNull();
    expect(amountProblem({ payId: '4002', orderMoney: 100 }, 99)).toBe('paid 99 fen for an order of 100');
  });

  it('accepts a prepaid card paying up to the order amount but not more, and not zero', () => {
    expect(amountProblem({ payId: '116', orderMoney: 100 }, 100)).toBeNull();
    expect(amountProblem({ payId: '116', orderMoney: 100 }, 50)).toBeNull();
    expect(amountProblem({ payId: '116', orderMoney: 100 }, 101)).toMatch(/more than/);
    expect(amountProblem({ payId: '116', orderMoney: 100 }, 0)).toMatch(/paid 0 fen/);
  });
});

describe('a REVIEW order that never received money', () => {
  const stillProcessing = { status: 'REVIEW' as const, payId: '3002', orderMoney: 100, factMoney: null };

  it('is paid by a later success of the right amount, so the money is never dropped', () => {
    const d = decide(stillProcessing, { succeeded: true, paidMoney: 100, resultDesc: '01', source: 'notification' });
    expect(d).toMatchObject({ kind: 'transition', from: 'REVIEW', to: 'PAID', factMoney: 100, event: 'baofoo.payment.succeeded' });
    expect(allowedFrom('PAID')).toContain('REVIEW');
  });

  it('records the money of a later success of the wrong amount and stays in review', () => {
    const d = decide(stillProcessing, { succeeded: true, paidMoney: 90, resultDesc: '01', source: 'query' });
    expect(d).toMatchObject({ kind: 'transition', to: 'REVIEW', factMoney: 90, event: 'baofoo.payment.review_required' });
  });

  it('fails on the gateway\'s failure, by query or notification: that is the answer its wait was for', () => {
    for (const source of ['query', 'notification'] as const) {
      const d = decide(stillProcessing, { succeeded: false, paidMoney: 0, resultDesc: null, source });
      expect(d).toMatchObject({ kind: 'transition', from: 'REVIEW', to: 'FAILED', factMoney: null, verdict: 'applied', event: 'baofoo.payment.failed' });
      expect(allowedFrom('FAILED')).toContain('REVIEW');
    }
  });

  it('treats a repeat success for a REVIEW order that has money as a duplicate', () => {
    const d = decide({ ...stillProcessing, factMoney: 90 }, { succeeded: true, paidMoney: 90, resultDesc: '01', source: 'notification' });
    expect(d).toMatchObject({ kind: 'none', verdict: 'duplicate' });
  });
});

describe('the echoed AdditionalInfo', () => {
  const stored = { ...bank('PENDING'), additionalInfo: 'coupon=A1' };
  const echoed = (additionalInfo: string): PaymentNews => ({ ...paid(10000), additionalInfo });

  it('changes nothing when it matches the stored one, or when the news carries none (a query answer)', () => {
    expect(decide(stored, echoed('coupon=A1'))).toMatchObject({ to: 'PAID', additionalInfoMismatch: null, reasonCode: null });
    expect(decide(stored, paid(10000))).toMatchObject({ to: 'PAID', additionalInfoMismatch: null });
  });

  it('holds a success whose AdditionalInfo differs in REVIEW with the money recorded, by default', () => {
    expect(decide(stored, echoed('coupon=ZZ'))).toMatchObject({
      kind: 'transition',
      to: 'REVIEW',
      verdict: 'review',
      factMoney: 10000,
      reasonCode: 'ADDITIONAL_INFO_MISMATCH',
      additionalInfoMismatch: { stored: 'coupon=A1', received: 'coupon=ZZ' },
      event: 'baofoo.payment.review_required',
    });
  });

  it('settles and flags it when the rules say settle', () => {
    expect(decide(stored, echoed('coupon=ZZ'), { additionalInfoMismatch: 'settle' })).toMatchObject({
      to: 'PAID',
      reasonCode: 'ADDITIONAL_INFO_MISMATCH',
      additionalInfoMismatch: { stored: 'coupon=A1', received: 'coupon=ZZ' },
      event: 'baofoo.payment.succeeded',
    });
  });

  it('is still reported on news that changes nothing, and on a failure', () => {
    expect(decide({ ...stored, status: 'PAID', factMoney: 10000 }, echoed('x'))).toMatchObject({ kind: 'none', additionalInfoMismatch: { received: 'x' } });
    expect(decide(stored, { ...failed(), additionalInfo: 'x' })).toMatchObject({ to: 'FAILED', reasonCode: 'ADDITIONAL_INFO_MISMATCH' });
  });
});

describe('reconciliation giving up on an order', () => {
  it('expires a PENDING order and sends one still processing to REVIEW without money', () => {
    expect(decide(bank('PENDING'), { giveUp: 'EXPIRED', reason: 'unknown', source: 'query' })).toMatchObject({
      kind: 'transition',
      to: 'EXPIRED',
      verdict: 'applied',
      reasonCode: 'ORDER_EXPIRED',
      event: 'baofoo.order.expired',
    });
    expect(decide(bank('PENDING'), { giveUp: 'REVIEW', reason: 'processing', source: 'query' })).toMatchObject({
      to: 'REVIEW',
      verdict: 'review',
      factMoney: null,
      reasonCode: 'STILL_PROCESSING',
      event: 'baofoo.payment.review_required',
    });
  });

  it('changes nothing once the order left PENDING (the answer may predate a notification)', () => {
    for (const status of ['PAID', 'FAILED', 'REVIEW', 'EXPIRED'] as const) {
      expect(decide(bank(status, 10000), { giveUp: 'EXPIRED', reason: 'r', source: 'query' })).toMatchObject({ kind: 'none', event: null });
    }
  });
});

describe('an operator resolving an order by hand', () => {
  const payBy = (paidMoney: number): OperatorNews => ({ resolve: { to: 'PAID', paidMoney }, by: 'alice', why: 'ticket 42', source: 'operator' });
  const failBy: OperatorNews = { resolve: { to: 'FAILED' }, by: 'bob', why: 'bank reversed it', source: 'operator' };

  it('pays a REVIEW order with the amount the operator names, even one that differs from the order, recording who and why as the reason', () => {
    expect(decide(bank('REVIEW', 9000), payBy(9000))).toEqual({
      kind: 'transition',
      from: 'REVIEW',
      to: 'PAID',
      verdict: 'applied',
      factMoney: 9000,
      late: false,
      reason: 'alice: ticket 42',
      reasonCode: 'REVIEW_RESOLVED',
      shortfall: 1000,
      additionalInfoMismatch: null,
      event: 'baofoo.payment.succeeded',
    });
  });

  it('fails a REVIEW order without touching its money, raising payment.failed', () => {
    expect(decide(bank('REVIEW', 500), failBy)).toMatchObject({
      kind: 'transition',
      to: 'FAILED',
      factMoney: null,
      reason: 'bob: bank reversed it',
      reasonCode: 'REVIEW_RESOLVED',
      event: 'baofoo.payment.failed',
    });
  });

  it('resolves a REVIEW order still awaiting its money as well', () => {
    expect(decide(bank('REVIEW'), payBy(10000))).toMatchObject({ kind: 'transition', to: 'PAID', factMoney: 10000 });
  });

  it('ignores the AdditionalInfo rule and the prepaid-card rules: the operator has the last word', () => {
    const stored = { ...card('REVIEW', 20000), additionalInfo: 'a' };
    expect(decide(stored, payBy(20000), { additionalInfoMismatch: 'review' })).toMatchObject({ to: 'PAID', factMoney: 20000, verdict: 'applied', shortfall: 0 });
  });

  it('calls an order that already is what the operator asks for a duplicate and changes nothing', () => {
    expect(decide(bank('PAID', 9000), payBy(9000))).toMatchObject({ kind: 'none', verdict: 'duplicate', event: null });
    expect(decide(bank('FAILED', 500), failBy)).toMatchObject({ kind: 'none', verdict: 'duplicate', event: null });
  });

  it('ignores a resolution of an order outside REVIEW that it would change, naming the state, and raises no event', () => {
    for (const [order, news] of [
      [bank('PAID', 9000), payBy(9001)],
      [bank('PAID', 9000), failBy],
      [bank('FAILED', 500), payBy(500)],
      [bank('PENDING'), failBy],
      [bank('EXPIRED'), payBy(10000)],
    ] as const) {
      expect(decide(order, news)).toEqual({
        kind: 'none',
        verdict: 'ignored',
        reason: `order is ${order.status}: only an order in REVIEW can be resolved by hand`,
        event: null,
        additionalInfoMismatch: null,
      });
    }
  });

  it('lets a hand resolution start only from REVIEW, whatever state it goes to, while gateway news keeps its prior states', () => {
    expect(priorStates(payBy(1), 'PAID')).toEqual(['REVIEW']);
    expect(priorStates(failBy, 'FAILED')).toEqual(['REVIEW']);
    expect(priorStates(paid(1), 'PAID')).toEqual(allowedFrom('PAID'));
    expect(priorStates(failed(), 'FAILED')).toEqual(['PENDING', 'REVIEW']);
  });
});
