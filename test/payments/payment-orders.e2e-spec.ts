import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BaofooDatabase } from '../../src/baofoo/database/baofoo-database.ts';
import { RefusalRecorder } from '../../src/baofoo/notifications/refusal.recorder.ts';
import { OperationsStore } from '../../src/baofoo/operations/operations.store.ts';
import { ORDER_LEDGER_LIMIT } from '../../src/baofoo/orders/order-story.reader.ts';
import { OrderLookupError } from '../../src/baofoo/payments/order-lookup.error.ts';
import { PaymentOrders } from '../../src/baofoo/payments/payment-orders.service.ts';
import { PaymentService } from '../../src/baofoo/payments/payment.service.ts';
import { startSandboxGateway, type SandboxGateway } from '../../src/sandbox/index.ts';
import { notify, placeOrder, signedResult, TEST_MERCHANT, transId, type Instance } from '../reconciliation/support.ts';
import { createTestApp, testOptions, type TestApp } from '../support/baofoo-test-app.ts';
import { rejectionOf } from '../support/rejection-of.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const OTHER_MERCHANT = { memberId: '100000999', terminalId: '10000002', key: 'other-key' };

/** `yyyyMMddHHmmss` in Shanghai (UTC+8, no daylight saving since 1991) as ISO 8601, written out without the code under test. */
const shanghaiIso = (t: string) => `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T${t.slice(8, 10)}:${t.slice(10, 12)}:${t.slice(12, 14)}+08:00`;

const lookupError = (promise: Promise<unknown>) => rejectionOf(promise, OrderLookupError);

describe('PaymentOrders.find: an order by TransID with its ledger story, against the sandbox gateway', () => {
  let db: TestDatabase;
  let sandbox: SandboxGateway;
  let t: TestApp;
  let shop: Instance;
  let orders: PaymentOrders;

  beforeAll(async () => {
    db = await createTestDatabase();
    sandbox = await startSandboxGateway();
    // The system clock: ledger rows are ordered by when they arrived, and a refusal sample is stamped by the module's clock.
    t = await createTestApp(
      db.url,
      testOptions({
        sandboxUrl: sandbox.url,
        merchants: [
          { memberId: TEST_MERCHANT.memberId, terminalId: TEST_MERCHANT.terminalId, keys: [{ id: 'k1', secret: TEST_MERCHANT.key }] },
          { memberId: OTHER_MERCHANT.memberId, terminalId: OTHER_MERCHANT.terminalId, keys: [{ id: 'k9', secret: OTHER_MERCHANT.key }] },
        ],
        // A busy machine must not fail an order's creation on the production 1 s budgets.
        database: { connectTimeoutMs: 10_000, answerWithinMs: 10_000, statementTimeoutMs: 10_000 },
      }),
    );
    const url = (await t.app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
    shop = { ...t, url, payments: t.app.get(PaymentService) } as unknown as Instance;
    orders = t.app.get(PaymentOrders);
  });
  afterAll(async () => {
    await t?.close();
    await sandbox?.stop();
    await db?.drop();
  });

  it('answers a paid order: status, fen, merchant, SuccTime in Shanghai and ISO, and a ledger with the signed notification and an unverified refusal', async () => {
    const placed = await placeOrder(shop, sandbox, { orderMoney: 1234 });
    const pending = await orders.find(placed.transId);
    expect(pending).toMatchObject({ transId: placed.transId, status: 'PENDING', version: 1, orderMoney: 1234, factMoney: null, succTime: null, settledBy: null, settledAt: null, ledger: [], ledgerTruncated: false });

    await sandbox.pay(placed.transId);
    expect((await sandbox.waitForDelivery(placed.transId)).outcome).toBe('delivered');
    const [sent] = sandbox.notifications(placed.transId);
    // Anyone can post a notification naming the TransID; this one has no valid signature.
    const forged = { ...signedResult(placed, { succeeded: true, factMoney: 1234 }), Md5Sign: '0'.repeat(32) };
    expect((await notify(shop, forged)).status).toBeGreaterThanOrEqual(400);
    await shop.app.get(RefusalRecorder).flush();

    const paid = await orders.find(placed.transId);

    expect(paid).toMatchObject({
      transId: placed.transId,
      memberId: TEST_MERCHANT.memberId,
      terminalId: TEST_MERCHANT.terminalId,
      payId: '3002',
      status: 'PAID',
      version: 2,
      orderMoney: 1234,
      factMoney: 1234,
      resultDesc: sent.fields.ResultDesc,
      succTime: { text: sent.fields.SuccTime, timeZone: 'Asia/Shanghai', iso: shanghaiIso(sent.fields.SuccTime) },
      settledBy: 'notification',
      createdAt: pending!.createdAt,
      ledgerTruncated: false,
    });
    expect(paid!.settledAt!.getTime()).toBeGreaterThanOrEqual(paid!.createdAt.getTime());
    expect(paid!.updatedAt.getTime()).toBeGreaterThanOrEqual(paid!.settledAt!.getTime());
    expect(paid!.ledger).toEqual([
      expect.objectContaining({ source: 'notification', method: 'POST', verdict: 'applied', fromStatus: 'PENDING', toStatus: 'PAID', httpStatus: 200, signatureVerified: true, keyId: 'k1', unverified: false, archived: false }),
      expect.objectContaining({ source: 'notification', verdict: 'rejected', signatureVerified: false, keyId: null, unverified: true, archived: false }),
    ]);
    expect(paid!.ledger[0].fields).toMatchObject({ TransID: placed.transId, FactMoney: '1234', SuccTime: sent.fields.SuccTime });
    expect(paid!.ledger[0].receivedAt.getTime()).toBeLessThanOrEqual(paid!.ledger[1].receivedAt.getTime());
  });

  it('reads the rows housekeeping moved to the archive table, in time order with the rows written since', async () => {
    const placed = await placeOrder(shop, sandbox, { orderMoney: 500 });
    await sandbox.pay(placed.transId);
    await sandbox.waitForDelivery(placed.transId);
    const before = await orders.find(placed.transId);
    // The archive batch housekeeping runs for a month, over every row received so far.
    const [{ upTo }] = await shop.dataSource.query(`SELECT max(received_at) + interval '1 millisecond' AS "upTo" FROM baofoo_notification_ledger`);
    expect((await new OperationsStore(shop.app.get(BaofooDatabase)).archiveLedgerBatch(new Date(0), upTo, 10_000)).moved).toBeGreaterThan(0);
    // The gateway sends the result again: a duplicate, in the live ledger.
    await sandbox.notifyAgain(placed.transId);

    const after = await orders.find(placed.transId);

    expect(after!.ledger.map((l) => [l.verdict, l.archived])).toEqual([
      ['applied', true],
      ['duplicate', false],
    ]);
    expect(after!.ledger[0]).toEqual({ ...before!.ledger[0], archived: true });
    expect(after).toMatchObject({ status: 'PAID', version: 2, factMoney: 500 });
  });

  it(`holds the newest ${ORDER_LEDGER_LIMIT} ledger rows of a flooded TransID, archive included, and says when older ones were left out`, async () => {
    const flooded = transId('FLOOD');
    await shop.payments.createPayment({ orderMoney: 300, transId: flooded });
    // Refusals naming the TransID without an order, row n received n seconds into 2026; row 0, the oldest, in the archive table.
    const refusals = `'203.0.113.7', 'POST', '', 'rejected', 'SIGNATURE_INVALID', 403`;
    await shop.dataSource.query(
      `INSERT INTO baofoo_notification_ledger_archive (id, received_at, trans_id, fields, source_ip, method, raw_body, verdict, reason_code, http_status)
       SELECT coalesce(max(id), 0) + 1, '2026-01-01T00:00:00Z', $1, '{"n": "0"}', ${refusals} FROM baofoo_notification_ledger_archive`,
      [flooded],
    );
    const flood = (from: number, to: number) =>
      shop.dataSource.query(
        `INSERT INTO baofoo_notification_ledger (received_at, trans_id, fields, source_ip, method, raw_body, verdict, reason_code, http_status)
         SELECT '2026-01-01T00:00:00Z'::timestamptz + make_interval(secs => n), $1, jsonb_build_object('n', n::text), ${refusals} FROM generate_series($2::int, $3::int) AS n`,
        [flooded, from, to],
      );
    const numbers = (from: number, count: number) => Array.from({ length: count }, (_, i) => String(from + i));

    await flood(1, ORDER_LEDGER_LIMIT - 1);
    const full = await orders.find(flooded);
    expect(full!.ledgerTruncated).toBe(false);
    expect(full!.ledger.map((l) => l.fields?.n)).toEqual(numbers(0, ORDER_LEDGER_LIMIT));
    expect(full!.ledger[0]).toMatchObject({ archived: true, unverified: true });

    await flood(ORDER_LEDGER_LIMIT, ORDER_LEDGER_LIMIT);
    const cut = await orders.find(flooded);
    expect(cut!.ledgerTruncated).toBe(true);
    expect(cut!.ledger.map((l) => l.fields?.n)).toEqual(numbers(1, ORDER_LEDGER_LIMIT));
    expect(cut!.ledger.some((l) => l.archived)).toBe(false);
    expect(cut).toMatchObject({ transId: flooded, status: 'PENDING', orderMoney: 300 });
  });

  it('answers null for a TransID no order has', async () => {
    expect(await orders.find(transId('NONE'))).toBeNull();
    expect(await orders.find(transId('NONE'), { memberId: TEST_MERCHANT.memberId })).toBeNull();
  });

  it('asks for the merchant when two merchants used the TransID, and answers each one', async () => {
    const shared = transId('BOTH');
    await shop.payments.createPayment({ orderMoney: 100, transId: shared });
    await shop.payments.createPayment({ orderMoney: 200, transId: shared, memberId: OTHER_MERCHANT.memberId });

    const e = await lookupError(orders.find(shared));
    expect(e.code).toBe('TRANS_ID_AMBIGUOUS');
    expect(e.evidence.merchants).toEqual([TEST_MERCHANT.memberId, OTHER_MERCHANT.memberId]);
    expect(await orders.find(shared, { memberId: OTHER_MERCHANT.memberId })).toMatchObject({ memberId: OTHER_MERCHANT.memberId, terminalId: OTHER_MERCHANT.terminalId, orderMoney: 200 });
    expect(await orders.find(shared, { memberId: TEST_MERCHANT.memberId })).toMatchObject({ memberId: TEST_MERCHANT.memberId, orderMoney: 100 });
  });

  it.each([['short7'], ['has space 123'], ['T'.repeat(21)], ["x' OR '1'='1"], [''], [12345678]])('refuses %j as a TransID with TRANS_ID_INVALID', async (bad) => {
    const e = await lookupError(orders.find(bad as string));
    expect(e.code).toBe('TRANS_ID_INVALID');
    expect(e.message).toContain('8 to 20 letters and digits');
  });

  it('refuses a MemberID that is not digits with MEMBER_ID_INVALID', async () => {
    expect((await lookupError(orders.find('ABCDEFGH12', { memberId: 'merchant-1' }))).code).toBe('MEMBER_ID_INVALID');
  });
});
