import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { OrderRow } from '../../src/baofoo/orders/payment-order.repository.ts';
import { startSandboxGateway, type SandboxGateway } from '../../src/sandbox/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { FakeClock, ledgerOf, md5, notify, orderState, outboxOf, placeOrder, signedResult, startInstance, submitForm, TEST_MERCHANT, type Instance } from './support.ts';

describe('Reconciliation settles the orders whose notifications never came', () => {
  const clock = new FakeClock();
  /** Every order query the sandbox answered, at the simulated time it answered. */
  const queried: { transId: string; at: Date; checkResult?: string; refused?: string }[] = [];
  let db: TestDatabase;
  let sandbox: SandboxGateway;
  let shop: Instance;

  const queryTimes = (order: OrderRow) => queried.filter((q) => q.transId === order.transId).map((q) => clock.secondsSince(q.at));
  const queriedSeconds = (order: OrderRow, placedAt: Date) => queried.filter((q) => q.transId === order.transId).map((q) => (q.at.getTime() - placedAt.getTime()) / 1000);

  beforeAll(async () => {
    db = await createTestDatabase();
    sandbox = await startSandboxGateway({ clock: clock.now, retryDelaysMs: [0], queryMinIntervalMs: 60_000 });
    sandbox.onRecord((r) => {
      if (r.type === 'query') queried.push({ transId: r.transId, at: clock.now(), checkResult: r.checkResult, refused: r.refused });
    });
    shop = await startInstance(db.url, sandbox.url, clock);
  });

  afterAll(async () => {
    await shop?.close();
    await sandbox?.stop();
    await db?.drop();
  });

  it('settles paid, prepaid-card, wrongly paid and failed orders whose notifications the sandbox dropped, at the first query', async () => {
    const drop = { faults: { dropNotification: true } };
    const bank = await Promise.all([100, 101, 102, 103].map((orderMoney) => placeOrder(shop, sandbox, { orderMoney })));
    const card = await placeOrder(shop, sandbox, { payId: '112', orderMoney: 5000 });
    const wrong = await placeOrder(shop, sandbox, { orderMoney: 100 });
    const failed = await Promise.all([1, 2].map(() => placeOrder(shop, sandbox)));
    const silent = await placeOrder(shop, sandbox, { orderMoney: 777 });
    const receipts = [
      ...(await Promise.all(bank.map((o) => sandbox.pay(o.transId, { result: 'paid' }, drop)))),
      await sandbox.pay(card.transId, { result: 'paid', faceValue: 3000 }, drop),
      await sandbox.pay(wrong.transId, { result: 'paid', factMoney: 90 }, drop),
      ...(await Promise.all(failed.map((o) => sandbox.fail(o.transId, '0015', drop)))),
    ];
    sandbox.settle(silent.transId, { result: 'paid' });
    const deliveries = (await Promise.all(receipts.map((r) => r.deliveries))).flat();
    expect(deliveries.map((d) => d.outcome)).toEqual(Array(receipts.length).fill('dropped'));

    clock.advance(59);
    expect((await shop.reconciliation.runOnce()).claimed).toBe(0);
    clock.advance(1);
    const run = await shop.reconciliation.runOnce();
    expect(run.claimed).toBe(9);
    expect(run.outcomes.filter((o) => o.kind === 'error')).toEqual([]);

    const expectations: [OrderRow, string, number | null, string][] = [
      ...bank.map((o): [OrderRow, string, number | null, string] => [o, 'PAID', o.orderMoney, 'baofoo.payment.succeeded']),
      [card, 'PAID', 3000, 'baofoo.payment.succeeded'],
      [wrong, 'REVIEW', 90, 'baofoo.payment.review_required'],
      ...failed.map((o): [OrderRow, string, number | null, string] => [o, 'FAILED', null, 'baofoo.payment.failed']),
      [silent, 'PAID', 777, 'baofoo.payment.succeeded'],
    ];
    const reasonCodes = new Map<OrderRow, string>([
      [card, 'PARTIAL_PAYMENT'],
      [wrong, 'AMOUNT_MISMATCH'],
    ]);
    for (const [order, status, fact, event] of expectations) {
      expect(await orderState(shop.dataSource, order.id)).toMatchObject({ status, version: 2, fact, settledBy: 'query', attempts: 1 });
      const events = await outboxOf(shop.dataSource, order.id);
      expect(events.map((e) => e.type)).toEqual([event]);
      expect(events[0].payload).toMatchObject({ source: 'query', transId: order.transId, status, previousStatus: 'PENDING', factMoney: fact });
      expect(await ledgerOf(shop.dataSource, order.id)).toEqual([
        { method: 'QUERY', verdict: status === 'REVIEW' ? 'review' : 'applied', from_status: 'PENDING', to_status: status, reason_code: reasonCodes.get(order) ?? null },
      ]);
      expect(queryTimes(order)).toEqual([0]);
      expect(sandbox.notifications(order.transId)).toEqual([]);
    }
    const [sent] = sandbox.queries(silent.transId);
    expect(sent.fields.MD5Sign).toBe(md5(`${TEST_MERCHANT.memberId}|${TEST_MERCHANT.terminalId}|${silent.transId}|${TEST_MERCHANT.key}`));

    clock.advance(120);
    expect((await shop.reconciliation.runOnce()).claimed).toBe(0);
  });

  it('asks about an unknown order with a growing backoff and expires it at the grace time', async () => {
    const placedAt = clock.now();
    const unknown = await placeOrder(shop, sandbox, { submit: false });
    const processing = await placeOrder(shop, sandbox);
    for (let t = 30; t <= 3700; t += 30) {
      clock.advance(30);
      await shop.reconciliation.runOnce();
      if (t === 700) {
        expect(await orderState(shop.dataSource, processing.id)).toMatchObject({ status: 'PENDING', lastCheck: 'P', attempts: 4 });
      }
    }

    expect(queriedSeconds(unknown, placedAt)).toEqual([60, 120, 240, 480, 600]);
    expect(await orderState(shop.dataSource, unknown.id)).toMatchObject({ status: 'EXPIRED', version: 2, lastCheck: 'N', nextQueryAt: null });
    const [expired] = await outboxOf(shop.dataSource, unknown.id);
    expect(expired.type).toBe('baofoo.order.expired');
    expect(expired.payload).toMatchObject({ source: 'expiry', lastCheckResult: 'N', status: 'EXPIRED', reason: expect.stringContaining('grace 600 s') });
    expect(await ledgerOf(shop.dataSource, unknown.id)).toEqual([{ method: 'QUERY', verdict: 'applied', from_status: 'PENDING', to_status: 'EXPIRED', reason_code: 'ORDER_EXPIRED' }]);

    // Processing for longer than the maximum age: a person decides (money may still arrive).
    expect(queriedSeconds(processing, placedAt)).toEqual([60, 120, 240, 480, 960, 1920, 3600]);
    expect(await orderState(shop.dataSource, processing.id)).toMatchObject({ status: 'REVIEW', lastCheck: 'P' });
    expect((await outboxOf(shop.dataSource, processing.id)).map((e) => [e.type, e.payload.reason])).toEqual([
      ['baofoo.payment.review_required', expect.stringContaining('still reports the payment as processing')],
    ]);
    expect(queried.filter((q) => q.refused)).toEqual([]);
  });

  it('raises a mismatch and changes nothing when the gateway reports a failure for an order a notification marked PAID', async () => {
    const order = await placeOrder(shop, sandbox);
    await (await sandbox.fail(order.transId, '0000', { faults: { dropNotification: true } })).deliveries;
    expect(await notify(shop, signedResult(order, { succeeded: true, factMoney: 100 }))).toEqual({ status: 200, text: 'OK' });

    const outcome = await shop.reconciliation.reconcile(order.transId);
    expect(outcome).toMatchObject({ kind: 'mismatch', status: 'PAID', checkResult: 'F', reason: expect.stringContaining('failed') });
    expect(await orderState(shop.dataSource, order.id)).toMatchObject({ status: 'PAID', version: 2, fact: 100, settledBy: 'notification' });
    const events = await outboxOf(shop.dataSource, order.id);
    expect(events.map((e) => e.type)).toEqual(['baofoo.payment.succeeded', 'baofoo.reconciliation.mismatch']);
    expect(events[1].payload).toMatchObject({ source: 'query', checkResult: 'F', succMoney: 0, status: 'PAID', factMoney: 100 });
    expect((await ledgerOf(shop.dataSource, order.id)).map((l) => [l.method, l.verdict, l.reason_code])).toEqual([
      ['POST', 'applied', null],
      ['QUERY', 'ignored', 'RECONCILIATION_MISMATCH'],
    ]);

    expect(await shop.reconciliation.reconcile(order.transId)).toMatchObject({ kind: 'too-soon', status: 'PAID' });
    expect(sandbox.queries(order.transId)).toHaveLength(1);
  });

  it('finds nothing to say when the gateway agrees with a settled order', async () => {
    const order = await placeOrder(shop, sandbox, { orderMoney: 250 });
    const receipt = await sandbox.pay(order.transId);
    expect((await receipt.deliveries).map((d) => d.outcome)).toEqual(['delivered']);
    expect(await shop.reconciliation.reconcile(order.transId)).toMatchObject({ kind: 'unchanged', status: 'PAID', checkResult: 'Y' });
    expect((await outboxOf(shop.dataSource, order.id)).map((e) => e.type)).toEqual(['baofoo.payment.succeeded']);
  });

  it('settles an expired order late when the shopper pays after all, on demand', async () => {
    const { order, form } = await shop.payments.createPayment({ orderMoney: 300, payId: '3002', transId: `LATE${Date.now().toString(36).toUpperCase()}`, returnUrl: `${shop.url}/baofoo/notify` });
    clock.advance(601);
    await shop.reconciliation.runOnce();
    expect(await orderState(shop.dataSource, order.id)).toMatchObject({ status: 'EXPIRED' });

    await submitForm(sandbox, form.fields as unknown as Record<string, string>);
    await (await sandbox.pay(order.transId, { result: 'paid' }, { faults: { dropNotification: true } })).deliveries;
    clock.advance(60);
    expect(await shop.reconciliation.reconcile(order.transId)).toMatchObject({ kind: 'paid', status: 'PAID', checkResult: 'Y' });
    expect(await orderState(shop.dataSource, order.id)).toMatchObject({ status: 'PAID', version: 3, fact: 300, settledBy: 'query' });
    const events = await outboxOf(shop.dataSource, order.id);
    expect(events.map((e) => e.type)).toEqual(['baofoo.order.expired', 'baofoo.payment.succeeded']);
    expect(events[1].payload).toMatchObject({ late: true, previousStatus: 'EXPIRED', source: 'query' });
  });
});
