import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSandboxGateway, type SandboxGateway } from '../../src/sandbox/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { FakeClock, ledgerOf, orderState, outboxOf, startInstance, submitForm, transId, type Instance } from '../reconciliation/support.ts';

/**
 * What a notification says beyond "paid": a prepaid card that paid less than
 * the order, and an echoed AdditionalInfo that differs from the one sent.
 * Through the real sandbox (cashier form, signed notification) and PostgreSQL.
 */
describe('Notifications that settle with something to say', () => {
  const clock = new FakeClock();
  let db: TestDatabase;
  let sandbox: SandboxGateway;
  let shop: Instance;
  let settling: Instance;

  beforeAll(async () => {
    db = await createTestDatabase();
    sandbox = await startSandboxGateway({ clock: clock.now, retryDelaysMs: [0] });
    shop = await startInstance(db.url, sandbox.url, clock);
    settling = await startInstance(db.url, sandbox.url, clock, {
      options: { notification: { path: '/baofoo/notify', pagePath: '/baofoo/return', allowedIps: ['127.0.0.1', '::1'], additionalInfoMismatch: 'settle' } },
    });
  });

  afterAll(async () => {
    await Promise.all([shop?.close(), settling?.close()]);
    await sandbox?.stop();
    await db?.drop();
  });

  /** An order placed by `instance`, its form submitted to the sandbox after `tamper` changed the fields (as a shopper's browser could). */
  async function place(instance: Instance, o: { orderMoney: number; payId: string; additionalInfo?: string; tamper?: (fields: Record<string, string>) => void }) {
    const { order, form } = await instance.payments.createPayment({
      orderMoney: o.orderMoney,
      payId: o.payId,
      transId: transId('F'),
      additionalInfo: o.additionalInfo,
      returnUrl: `${instance.url}/baofoo/notify`,
      pageUrl: `${instance.url}/baofoo/return`,
    });
    const fields = { ...(form.fields as unknown as Record<string, string>) };
    o.tamper?.(fields);
    await submitForm(sandbox, fields);
    return order;
  }

  it('settles a prepaid card that paid less than the order as PAID and says so in the event and the ledger', async () => {
    const order = await place(shop, { orderMoney: 5000, payId: '112' });
    const receipt = await sandbox.pay(order.transId, { result: 'paid', faceValue: 3000 });
    expect((await receipt.deliveries).map((d) => d.outcome)).toEqual(['delivered']);

    expect(await orderState(shop.dataSource, order.id)).toMatchObject({ status: 'PAID', fact: 3000, settledBy: 'notification' });
    const [event] = await outboxOf(shop.dataSource, order.id);
    expect(event).toMatchObject({ type: 'baofoo.payment.succeeded', payload: { partial: true, shortfall: 2000, factMoney: 3000, orderMoney: 5000 } });
    expect(event.payload.reason).toContain('2000 fen short');
    expect(await ledgerOf(shop.dataSource, order.id)).toEqual([{ method: 'POST', verdict: 'applied', from_status: 'PENDING', to_status: 'PAID', reason_code: 'PARTIAL_PAYMENT' }]);
  });

  it('marks a full payment as not partial', async () => {
    const order = await place(shop, { orderMoney: 700, payId: '3002' });
    await (await sandbox.pay(order.transId)).deliveries;

    const [event] = await outboxOf(shop.dataSource, order.id);
    expect(event.payload).toMatchObject({ partial: false, shortfall: 0 });
  });

  it('holds a payment whose echoed AdditionalInfo the shopper changed in REVIEW by default, recording and raising the difference', async () => {
    const order = await place(shop, { orderMoney: 800, payId: '3002', additionalInfo: 'member=42', tamper: (f) => (f.AdditionalInfo = 'member=43') });
    const receipt = await sandbox.pay(order.transId);
    expect((await receipt.deliveries).map((d) => d.outcome)).toEqual(['delivered']);

    expect(await orderState(shop.dataSource, order.id)).toMatchObject({ status: 'REVIEW', fact: 800, nextQueryAt: null });
    const events = await outboxOf(shop.dataSource, order.id);
    expect(events.map((e) => e.type)).toEqual(['baofoo.payment.review_required', 'baofoo.notification.additional_info_mismatch']);
    expect(events[1].payload).toMatchObject({ storedAdditionalInfo: 'member=42', receivedAdditionalInfo: 'member=43', action: 'review', status: 'REVIEW' });
    expect(await ledgerOf(shop.dataSource, order.id)).toEqual([{ method: 'POST', verdict: 'review', from_status: 'PENDING', to_status: 'REVIEW', reason_code: 'ADDITIONAL_INFO_MISMATCH' }]);

    // The gateway's resends of the same notification, one after another and at once, change nothing
    // more: each copy is recorded and flagged in the ledger, but the difference is raised once per order.
    for (let i = 0; i < 3; i++) await sandbox.notifyAgain(order.transId);
    await Promise.all(Array.from({ length: 3 }, () => sandbox.notifyAgain(order.transId)));
    expect((await ledgerOf(shop.dataSource, order.id)).map((l) => [l.verdict, l.reason_code])).toEqual([
      ['review', 'ADDITIONAL_INFO_MISMATCH'],
      ...Array(6).fill(['duplicate', 'ADDITIONAL_INFO_MISMATCH']),
    ]);
    expect((await outboxOf(shop.dataSource, order.id)).map((e) => e.type)).toEqual(['baofoo.payment.review_required', 'baofoo.notification.additional_info_mismatch']);
    expect(await orderState(shop.dataSource, order.id)).toMatchObject({ status: 'REVIEW', version: 2 });
  });

  it('settles and flags it when the module is configured to settle', async () => {
    const order = await place(settling, { orderMoney: 900, payId: '3002', additionalInfo: '会员=42', tamper: (f) => (f.AdditionalInfo = '会员=99') });
    await (await sandbox.pay(order.transId)).deliveries;

    expect(await orderState(settling.dataSource, order.id)).toMatchObject({ status: 'PAID', fact: 900 });
    const events = await outboxOf(settling.dataSource, order.id);
    expect(events.map((e) => e.type)).toEqual(['baofoo.payment.succeeded', 'baofoo.notification.additional_info_mismatch']);
    expect(events[1].payload).toMatchObject({ storedAdditionalInfo: '会员=42', receivedAdditionalInfo: '会员=99', action: 'settled' });
    expect(await ledgerOf(settling.dataSource, order.id)).toEqual([{ method: 'POST', verdict: 'applied', from_status: 'PENDING', to_status: 'PAID', reason_code: 'ADDITIONAL_INFO_MISMATCH' }]);

    await Promise.all(Array.from({ length: 4 }, () => sandbox.notifyAgain(order.transId)));
    expect((await ledgerOf(settling.dataSource, order.id)).map((l) => l.verdict)).toEqual(['applied', ...Array(4).fill('duplicate')]);
    expect((await outboxOf(settling.dataSource, order.id)).map((e) => e.type)).toEqual(['baofoo.payment.succeeded', 'baofoo.notification.additional_info_mismatch']);
  });

  it('settles an untouched AdditionalInfo in one statement as usual, with nothing flagged', async () => {
    const order = await place(shop, { orderMoney: 1000, payId: '3002', additionalInfo: 'member=7' });
    await (await sandbox.pay(order.transId)).deliveries;

    expect(await orderState(shop.dataSource, order.id)).toMatchObject({ status: 'PAID', fact: 1000 });
    expect((await outboxOf(shop.dataSource, order.id)).map((e) => e.type)).toEqual(['baofoo.payment.succeeded']);
    expect((await ledgerOf(shop.dataSource, order.id))[0].reason_code).toBeNull();
  });
});
