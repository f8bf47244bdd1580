import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { OrderRow } from '../../src/baofoo/orders/payment-order.repository.ts';
import { startSandboxGateway, type SandboxGateway } from '../../src/sandbox/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { FakeClock, ledgerOf, orderState, outboxOf, placeOrder, startInstance, startTamperingProxy, TEST_MERCHANT, type Instance } from './support.ts';

const STRANGER = { memberId: '100000999', terminalId: '10000009', key: 'unknown-to-the-gateway' };

describe('An order query that brings no trustworthy answer changes nothing and is asked again later', () => {
  const clock = new FakeClock();
  const tampered = new Set<string>();
  let db: TestDatabase;
  let sandbox: SandboxGateway;
  let proxy: { url: string; stop(): Promise<void> };
  let shop: Instance;

  beforeAll(async () => {
    db = await createTestDatabase();
    sandbox = await startSandboxGateway({ clock: clock.now, retryDelaysMs: [0], queryMinIntervalMs: 60_000 });
    proxy = await startTamperingProxy(sandbox.url, tampered);
    shop = await startInstance(db.url, proxy.url, clock, {
      // Generous enough that a loaded CI machine answers the healthy queries in time; the slow one waits longer still.
      reconciliation: { queryTimeoutMs: 1500 },
      options: {
        merchants: [
          { memberId: TEST_MERCHANT.memberId, terminalId: TEST_MERCHANT.terminalId, keys: [{ id: 'k1', secret: TEST_MERCHANT.key }] },
          { memberId: STRANGER.memberId, terminalId: STRANGER.terminalId, keys: [{ id: 's1', secret: STRANGER.key }] },
        ],
      },
    });
  });

  afterAll(async () => {
    await shop?.close();
    await proxy?.stop();
    await sandbox?.stop();
    await db?.drop();
  });

  it('survives a timeout, a 503, garbage, a bad signature and a gateway error text, then settles once the gateway answers', async () => {
    const [slow, unavailable, garbage, forged] = await Promise.all([1, 2, 3, 4].map(() => placeOrder(shop, sandbox)));
    const { order: refused } = await shop.payments.createPayment({ orderMoney: 100, memberId: STRANGER.memberId, transId: 'STRANGER00000001', returnUrl: `${shop.url}/baofoo/notify` });
    for (const o of [slow, unavailable, garbage, forged]) sandbox.settle(o.transId, { result: 'paid' });
    sandbox.setFaults({ queryDelayMs: 2500 }, { transId: slow.transId });
    sandbox.setFaults({ queryStatus: 503 }, { transId: unavailable.transId });
    sandbox.setFaults({ queryGarbage: true }, { transId: garbage.transId });
    tampered.add(forged.transId);

    const firstAt = clock.advance(60);
    const run = await shop.reconciliation.runOnce();
    const codes = Object.fromEntries(run.outcomes.map((o) => [o.transId, [o.kind, o.error]]));
    expect(codes).toEqual({
      [slow.transId]: ['error', 'QUERY_TIMEOUT'],
      [unavailable.transId]: ['error', 'QUERY_HTTP_STATUS'],
      [garbage.transId]: ['error', 'QUERY_ANSWER_UNPARSEABLE'],
      [forged.transId]: ['error', 'QUERY_ANSWER_BAD_SIGNATURE'],
      [refused.transId]: ['error', 'QUERY_GATEWAY_ERROR'],
    });
    const all: [OrderRow, string][] = [
      [slow, 'QUERY_TIMEOUT'],
      [unavailable, 'QUERY_HTTP_STATUS'],
      [garbage, 'QUERY_ANSWER_UNPARSEABLE'],
      [forged, 'QUERY_ANSWER_BAD_SIGNATURE'],
      [refused, 'QUERY_GATEWAY_ERROR'],
    ];
    for (const [order, code] of all) {
      expect(await orderState(shop.dataSource, order.id)).toMatchObject({ status: 'PENDING', version: 1, attempts: 1, lastCheck: `ERROR ${code}`, nextQueryAt: new Date(firstAt.getTime() + 60_000) });
      expect(await outboxOf(shop.dataSource, order.id)).toEqual([]);
      expect(await ledgerOf(shop.dataSource, order.id)).toEqual([]);
    }
    // The slow answer still arrives at the sandbox; let it land before time moves on.
    await sandbox.waitForRecord((r) => r.type === 'query' && r.transId === slow.transId && r.fault === 'delay');

    clock.advance(30);
    expect((await shop.reconciliation.runOnce()).claimed).toBe(0);

    sandbox.setFaults({}, { transId: slow.transId });
    sandbox.setFaults({}, { transId: unavailable.transId });
    sandbox.setFaults({}, { transId: garbage.transId });
    tampered.clear();
    const secondAt = clock.advance(30);
    const retry = await shop.reconciliation.runOnce();
    expect(retry.outcomes.map((o) => [o.transId, o.kind]).sort()).toEqual(
      [[slow.transId, 'paid'], [unavailable.transId, 'paid'], [garbage.transId, 'paid'], [forged.transId, 'paid'], [refused.transId, 'error']].sort(),
    );
    for (const order of [slow, unavailable, garbage, forged]) {
      expect(await orderState(shop.dataSource, order.id)).toMatchObject({ status: 'PAID', version: 2, attempts: 2, lastCheck: 'Y' });
      expect((await outboxOf(shop.dataSource, order.id)).map((e) => e.type)).toEqual(['baofoo.payment.succeeded']);
    }
    // Still refused: the wait grows (two minutes after the second attempt).
    expect(await orderState(shop.dataSource, refused.id)).toMatchObject({ status: 'PENDING', attempts: 2, nextQueryAt: new Date(secondAt.getTime() + 120_000) });
    expect(sandbox.queries().filter((q) => q.refused?.startsWith('query too frequent'))).toEqual([]);
  });
});

describe('A notification and a query racing for the same order', () => {
  const clock = new FakeClock();
  let db: TestDatabase;
  let sandbox: SandboxGateway;
  let shop: Instance;

  beforeAll(async () => {
    db = await createTestDatabase();
    sandbox = await startSandboxGateway({ clock: clock.now, retryDelaysMs: [0, 20, 40], queryMinIntervalMs: 60_000 });
    shop = await startInstance(db.url, sandbox.url, clock, { reconciliation: { concurrency: 8 } });
  });

  afterAll(async () => {
    await shop?.close();
    await sandbox?.stop();
    await db?.drop();
  });

  async function expectSettledOnce(order: OrderRow): Promise<string> {
    const state = await orderState(shop.dataSource, order.id);
    expect(state).toMatchObject({ status: 'PAID', version: 2, fact: order.orderMoney });
    expect((await outboxOf(shop.dataSource, order.id)).map((e) => e.type)).toEqual(['baofoo.payment.succeeded']);
    expect((await ledgerOf(shop.dataSource, order.id)).filter((l) => l.verdict === 'applied')).toHaveLength(1);
    return state.settledBy!;
  }

  it('applies the notification once when the query answer arrives after it, from an order read before it', async () => {
    const order = await placeOrder(shop, sandbox);
    sandbox.setFaults({ queryDelayMs: 1200 }, { transId: order.transId });
    clock.advance(60);
    const receipt = await sandbox.pay(order.transId, { result: 'paid' }, { faults: { delayMs: 300 } });
    const run = await shop.reconciliation.runOnce();
    expect((await receipt.deliveries).map((d) => d.outcome)).toEqual(['delivered']);
    expect(run.outcomes).toEqual([expect.objectContaining({ transId: order.transId, kind: 'unchanged', status: 'PAID', checkResult: 'Y' })]);
    expect(await expectSettledOnce(order)).toBe('notification');
    expect((await ledgerOf(shop.dataSource, order.id)).map((l) => [l.method, l.verdict])).toEqual([['POST', 'applied']]);
  });

  it('settles each of many orders with exactly one transition and one event when notification copies and queries arrive together', async () => {
    const orders = await Promise.all(Array.from({ length: 24 }, (_, i) => placeOrder(shop, sandbox, { orderMoney: 100 + i })));
    clock.advance(60);
    const receipts = await Promise.all(orders.map((o) => sandbox.pay(o.transId, { result: 'paid' }, { faults: { duplicates: 3 } })));
    const [run] = await Promise.all([shop.reconciliation.runOnce(), ...receipts.map((r) => r.deliveries)]);
    // A notification that lands before the claim leaves its order out of the batch; the race is in the rest.
    expect(run.claimed).toBeGreaterThan(0);
    expect(run.claimed).toBeLessThanOrEqual(orders.length);
    expect(run.outcomes.filter((o) => o.kind === 'error')).toEqual([]);
    await Promise.all(orders.map((o) => expectSettledOnce(o)));
    expect(sandbox.notifications().filter((n) => orders.some((o) => o.transId === n.transId) && !n.acknowledged)).toEqual([]);
  });
});
