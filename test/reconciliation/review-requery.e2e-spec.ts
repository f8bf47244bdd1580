import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSandboxGateway, type SandboxGateway } from '../../src/sandbox/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { FakeClock, ledgerOf, orderState, outboxOf, placeOrder, startInstance, type Instance } from './support.ts';

describe('A REVIEW order the gateway still reported as processing at the maximum age', () => {
  const clock = new FakeClock();
  let db: TestDatabase;
  let sandbox: SandboxGateway;
  let shop: Instance;

  beforeAll(async () => {
    db = await createTestDatabase();
    sandbox = await startSandboxGateway({ clock: clock.now, retryDelaysMs: [0], queryMinIntervalMs: 60_000 });
    // Maximum age 3600 s: REVIEW at 3600 s, re-queried until 7200 s.
    shop = await startInstance(db.url, sandbox.url, clock);
  });

  /** Runs the cron every 30 simulated seconds until `until` seconds after `from`. */
  async function tickUntil(from: Date, until: number): Promise<void> {
    while (clock.secondsSince(from) < until) {
      clock.advance(30);
      await shop.reconciliation.runOnce();
    }
  }

  afterAll(async () => {
    await shop?.close();
    await sandbox?.stop();
    await db?.drop();
  });

  it('is re-queried by the cron, settled by the answer Y once the money arrives, and left alone after one more maximum age', async () => {
    const placedAt = clock.now();
    const paidLate = await placeOrder(shop, sandbox, { orderMoney: 4200 });
    const neverPaid = await placeOrder(shop, sandbox, { orderMoney: 4300 });
    const tick = (until: number) => tickUntil(placedAt, until);

    await tick(3600);
    for (const order of [paidLate, neverPaid]) {
      expect(await orderState(shop.dataSource, order.id)).toMatchObject({ status: 'REVIEW', fact: null, lastCheck: 'P', nextQueryAt: expect.any(Date) });
    }

    // Still processing an hour and a half in: asked again, nothing said (no mismatch), still waiting.
    await tick(5430);
    expect(sandbox.queries(paidLate.transId).map((q) => q.checkResult)).toEqual(['P', 'P', 'P', 'P', 'P', 'P', 'P', 'P']);
    expect((await outboxOf(shop.dataSource, paidLate.id)).map((e) => e.type)).toEqual(['baofoo.payment.review_required']);

    // The money arrives; the notification is lost; the next query settles the order.
    await (await sandbox.pay(paidLate.transId, { result: 'paid' }, { faults: { dropNotification: true } })).deliveries;
    await tick(7230);

    expect(await orderState(shop.dataSource, paidLate.id)).toMatchObject({ status: 'PAID', fact: 4200, settledBy: 'query', lastCheck: 'Y', nextQueryAt: null });
    const events = await outboxOf(shop.dataSource, paidLate.id);
    expect(events.map((e) => e.type)).toEqual(['baofoo.payment.review_required', 'baofoo.payment.succeeded']);
    expect(events[1].payload).toMatchObject({ source: 'query', previousStatus: 'REVIEW', status: 'PAID', factMoney: 4200, late: true, partial: false, shortfall: 0 });
    expect(await ledgerOf(shop.dataSource, paidLate.id)).toEqual([
      { method: 'QUERY', verdict: 'review', from_status: 'PENDING', to_status: 'REVIEW', reason_code: 'STILL_PROCESSING' },
      { method: 'QUERY', verdict: 'applied', from_status: 'REVIEW', to_status: 'PAID', reason_code: null },
    ]);

    // The other one's window closed at 7200 s: its last query was then, and no more follow.
    expect(await orderState(shop.dataSource, neverPaid.id)).toMatchObject({ status: 'REVIEW', fact: null, nextQueryAt: null });
    const asked = sandbox.queries(neverPaid.transId).length;
    await tick(9000);
    expect(sandbox.queries(neverPaid.transId)).toHaveLength(asked);
    expect((await outboxOf(shop.dataSource, neverPaid.id)).map((e) => e.type)).toEqual(['baofoo.payment.review_required']);
  });

  it('fails, once, when the gateway then answers F: off the query schedule, one payment.failed event, no mismatch on the next ticks', async () => {
    const placedAt = clock.now();
    const order = await placeOrder(shop, sandbox, { orderMoney: 770 });
    await tickUntil(placedAt, 3600);
    expect(await orderState(shop.dataSource, order.id)).toMatchObject({ status: 'REVIEW', fact: null, nextQueryAt: expect.any(Date) });
    await (await sandbox.pay(order.transId, { result: 'failed' }, { faults: { dropNotification: true } })).deliveries;
    await tickUntil(placedAt, 5400);

    expect(await orderState(shop.dataSource, order.id)).toMatchObject({ status: 'FAILED', fact: null, lastCheck: 'F', nextQueryAt: null });
    const asked = sandbox.queries(order.transId).length;
    await tickUntil(placedAt, 7200);
    expect(sandbox.queries(order.transId)).toHaveLength(asked);
    expect((await outboxOf(shop.dataSource, order.id)).map((e) => e.type)).toEqual(['baofoo.payment.review_required', 'baofoo.payment.failed']);
    expect((await ledgerOf(shop.dataSource, order.id)).slice(1)).toEqual([{ method: 'QUERY', verdict: 'applied', from_status: 'REVIEW', to_status: 'FAILED', reason_code: null }]);
  });

  it('is settled on demand by reconcile() when the gateway now reports it paid, instead of raising a mismatch', async () => {
    const placedAt = clock.now();
    const order = await placeOrder(shop, sandbox, { orderMoney: 990 });
    await tickUntil(placedAt, 3600);
    expect(await orderState(shop.dataSource, order.id)).toMatchObject({ status: 'REVIEW', fact: null });
    await (await sandbox.pay(order.transId, { result: 'paid' }, { faults: { dropNotification: true } })).deliveries;
    clock.advance(60);

    expect(await shop.reconciliation.reconcile(order.transId)).toMatchObject({ kind: 'paid', status: 'PAID', checkResult: 'Y' });
    expect(await orderState(shop.dataSource, order.id)).toMatchObject({ status: 'PAID', fact: 990, nextQueryAt: null });
    expect((await outboxOf(shop.dataSource, order.id)).map((e) => e.type)).toEqual(['baofoo.payment.review_required', 'baofoo.payment.succeeded']);
  });
});
