import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BaofooDatabase, type Row } from '../../src/baofoo/database/baofoo-database.ts';
import type { Sql } from '../../src/baofoo/database/named-statements.ts';
import { outboxEntry } from '../../src/baofoo/events/outbox-entry.ts';
import type { LedgerEntry } from '../../src/baofoo/notifications/ledger-entry.ts';
import { PaymentOrderRepository } from '../../src/baofoo/orders/payment-order.repository.ts';
import { appDatabaseUrl, createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const MEMBER = '100000178';
const TERMINAL = '10000001';

/** The module's database, noting the settling statements it is asked to run and how many settlements each carried. */
class CountingDatabase extends BaofooDatabase {
  readonly settles: { name: string; size: number }[] = [];

  override query<R extends Row = Row>(sql: Sql, params: readonly unknown[] = []): Promise<R[]> {
    if (typeof sql !== 'string' && sql.name.startsWith('baofoo_settle_pending')) {
      const size = sql.name === 'baofoo_settle_pending_batch' ? (JSON.parse(params[0] as string) as unknown[]).length : 1;
      this.settles.push({ name: sql.name, size });
    }
    return super.query<R>(sql, params);
  }
}

/**
 * Group commit of the settle fast path against a real PostgreSQL: settlements
 * that wait while a statement runs share the next one, each wins or loses as
 * it would alone, and a bad one in a batch fails only itself.
 */
describe('group commit of settlements', () => {
  let db: TestDatabase;
  let database: CountingDatabase;
  let orders: PaymentOrderRepository;
  let next = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    database = new CountingDatabase(() => ({ connectionString: appDatabaseUrl(db.url) }), { poolSize: 4, statementTimeoutMs: 10_000, connectTimeoutMs: 5000, answerWithinMs: 10_000 });
    // One statement at a time: everything added while it runs waits for the next batch.
    const options = { database: { ...database.settings, settleBatchSize: 8, settleBatchesInFlight: 1 } };
    orders = new PaymentOrderRepository(database, options);
  });
  afterAll(async () => {
    await database.end();
    await db.drop();
  });

  async function pendingOrder(money = 1000): Promise<string> {
    const transId = `GC${Date.now()}${next++}`;
    await orders.insertPending({
      memberId: MEMBER,
      terminalId: TERMINAL,
      transId,
      payId: '1000',
      tradeDate: '20251125120000',
      orderMoney: money,
      productName: 'p',
      additionalInfo: '',
      pageUrl: 'http://shop.test/page',
      returnUrl: 'http://shop.test/return',
      nextQueryAt: new Date(Date.now() + 3_600_000),
    });
    return transId;
  }

  function settle(transId: string, paidMoney = 1000, sourceIp = '127.0.0.1'): Promise<boolean> {
    const ledger: LedgerEntry = {
      orderId: null,
      memberId: MEMBER,
      terminalId: TERMINAL,
      transId,
      sourceIp,
      method: 'POST',
      fields: { TransID: transId },
      rawBody: `TransID=${transId}`,
      verdict: 'applied',
      reasonCode: null,
      reason: null,
      keyId: 'k1',
      fromStatus: 'PENDING',
      toStatus: 'PAID',
      httpStatus: 200,
    };
    const event = outboxEntry(
      'baofoo.payment.succeeded',
      { orderId: null, transId, memberId: MEMBER, terminalId: TERMINAL, orderMoney: paidMoney, factMoney: paidMoney, status: 'PAID', previousStatus: 'PENDING', source: 'notification' },
      new Date(),
      { resultDesc: '01', succTime: '20261125120000', late: false, partial: false, shortfall: 0, reason: null },
    );
    return orders.settlePending(
      { memberId: MEMBER, transId, terminalId: TERMINAL, paidMoney, resultDesc: '01', succTime: '20251125120500', settledBy: 'notification', additionalInfo: null },
      ledger,
      [event],
    );
  }

  /** Per TransID: the order's status, its ledger rows and its events (with the order id each carries). */
  async function written(transIds: string[]) {
    const rows = await database.query<{ trans_id: string; status: string; id: string; ledger: string[]; events: string[] }>(
      `SELECT o.trans_id, o.status, o.id::text AS id,
              ARRAY(SELECT coalesce(l.order_id::text, '') FROM baofoo_notification_ledger l WHERE l.trans_id = o.trans_id) AS ledger,
              ARRAY(SELECT (e.order_id::text || '/' || (e.payload->>'orderId')) FROM baofoo_outbox e WHERE e.trans_id = o.trans_id) AS events
         FROM baofoo_payment_orders o WHERE o.trans_id = ANY($1::varchar[]) ORDER BY o.trans_id`,
      [transIds],
    );
    return new Map(rows.map((r) => [r.trans_id, r]));
  }

  it('settles the settlements that wait while a statement runs in one statement, each with its own ledger row and event', async () => {
    const ids = await Promise.all(Array.from({ length: 9 }, () => pendingOrder()));
    database.settles.length = 0;

    const results = await Promise.all(ids.map((id) => settle(id)));

    expect(results).toEqual(ids.map(() => true));
    // The first finds the slot free and goes alone (a batch of one would be the slow multi-row statement); the other 8 share one.
    expect(database.settles).toEqual([
      { name: 'baofoo_settle_pending', size: 1 },
      { name: 'baofoo_settle_pending_batch', size: 8 },
    ]);
    const after = await written(ids);
    for (const id of ids) {
      const order = after.get(id)!;
      expect(order).toMatchObject({ status: 'PAID', ledger: [order.id], events: [`${order.id}/${order.id}`] });
    }
  });

  it('never puts two settlements of one order in a batch: the second waits for the next statement and loses, as it would alone', async () => {
    const [first, second, third] = await Promise.all([pendingOrder(), pendingOrder(), pendingOrder()]);
    database.settles.length = 0;

    const results = await Promise.all([settle(first), settle(second), settle(second), settle(third), settle(second)]);

    expect(results).toEqual([true, true, false, true, false]);
    expect(database.settles.map((s) => s.size)).toEqual([1, 2, 1, 1]);
    const after = await written([second]);
    expect(after.get(second)).toMatchObject({ status: 'PAID', ledger: [after.get(second)!.id] });
    expect(after.get(second)!.events).toHaveLength(1);
  });

  it('retries a failing batch one settlement at a time, so a bad one fails alone and the others settle', async () => {
    const ids = await Promise.all(Array.from({ length: 5 }, () => pendingOrder()));
    database.settles.length = 0;

    // The fourth settlement's ledger row cannot be written (source_ip is varchar(64)).
    const results = await Promise.allSettled(ids.map((id, i) => settle(id, 1000, i === 3 ? 'x'.repeat(65) : '127.0.0.1')));

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[3] as PromiseRejectedResult).reason)).toMatch(/too long/);
    expect(database.settles.map((s) => `${s.name}:${s.size}`)).toEqual([
      'baofoo_settle_pending:1',
      'baofoo_settle_pending_batch:4',
      'baofoo_settle_pending:1',
      'baofoo_settle_pending:1',
      'baofoo_settle_pending:1',
      'baofoo_settle_pending:1',
    ]);
    const after = await written(ids);
    expect(ids.map((id) => after.get(id)!.status)).toEqual(['PAID', 'PAID', 'PAID', 'PENDING', 'PAID']);
    expect(after.get(ids[3])).toMatchObject({ ledger: [], events: [] });
  });

  it('matches a batch settlement only to a PENDING order of its amount, like the single statement', async () => {
    const [paid, wrongAmount, fine, other] = await Promise.all([pendingOrder(), pendingOrder(500), pendingOrder(), pendingOrder()]);
    await settle(paid);
    database.settles.length = 0;

    const results = await Promise.all([settle(other), settle(paid), settle(wrongAmount), settle(fine)]);

    expect(results).toEqual([true, false, false, true]);
    expect(database.settles.map((s) => s.size)).toEqual([1, 3]);
    const after = await written([paid, wrongAmount]);
    expect(after.get(paid)!.ledger).toHaveLength(1);
    expect(after.get(wrongAmount)).toMatchObject({ status: 'PENDING', ledger: [], events: [] });
  });
});
