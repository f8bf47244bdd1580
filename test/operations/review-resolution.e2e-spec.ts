import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { memoryIo } from '../../src/cli/cli-io.ts';
import { runCli } from '../../src/cli/main.ts';
import { HousekeepingService } from '../../src/baofoo/operations/housekeeping.service.ts';
import { ReviewResolutionService } from '../../src/baofoo/operations/review-resolution.service.ts';
import { BaofooOperationsError } from '../../src/baofoo/operations/operations.errors.ts';
import { ledgerRows, orderState, outboxRows } from '../notifications/notification-support.ts';
import { CapturedLog } from '../support/captured-log.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { rejectionOf } from '../support/rejection-of.ts';
import { countRows, createOperationsApp, notifyPaid, orderPaid, type OperationsApp, type Registration } from './operations-test-app.ts';

const refusal = (p: Promise<unknown>) => rejectionOf(p, BaofooOperationsError);

describe.each<Registration>(['forRoot', 'forRootAsync'])('Resolving a REVIEW order by hand (BaofooOperationsModule.%s)', (registration) => {
  let db: TestDatabase;
  let t: OperationsApp;
  let reviews: ReviewResolutionService;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await createOperationsApp(db.url, registration, { tracing: false, housekeeping: { enabled: false } });
    reviews = t.app.get(ReviewResolutionService);
  });
  afterAll(async () => {
    await t?.app.close();
    await db?.drop();
  });

  it('pays a REVIEW order with the amount the operator names, writing who and why to the ledger and raising payment.succeeded', async () => {
    const transId = await orderPaid(t, 1000, 900);
    expect((await orderState(t.dataSource, transId)).status).toBe('REVIEW');

    const result = await reviews.resolve({ transId, outcome: { to: 'PAID', paidMoney: 900 }, by: 'alice', why: 'customer agreed to the partial payment, ticket 42' });

    expect(result.changed).toBe(true);
    expect(result.order).toMatchObject({ status: 'PAID', factMoney: 900 });
    const [settled] = await t.dataSource.query(`SELECT settled_by AS "settledBy", review_reason AS "reviewReason" FROM baofoo_payment_orders WHERE trans_id = $1`, [transId]);
    expect(settled).toEqual({ settledBy: 'operator', reviewReason: null });
    const ledger = await ledgerRows(t.dataSource, 'trans_id = $1', [transId]);
    expect(ledger.at(-1)).toMatchObject({
      method: 'OPERATOR',
      verdict: 'applied',
      reasonCode: 'REVIEW_RESOLVED',
      fromStatus: 'REVIEW',
      toStatus: 'PAID',
      fields: { ResolvedBy: 'alice', Why: 'customer agreed to the partial payment, ticket 42', Outcome: 'PAID', PaidMoney: '900' },
    });
    const events = await outboxRows(t.dataSource, 'trans_id = $1', [transId]);
    expect(events.map((e) => e.type)).toEqual(['baofoo.payment.review_required', 'baofoo.payment.succeeded']);
    expect(events[1].payload).toMatchObject({
      source: 'operator',
      status: 'PAID',
      previousStatus: 'REVIEW',
      factMoney: 900,
      partial: true,
      shortfall: 100,
      reason: null,
      resolvedBy: { by: 'alice', why: 'customer agreed to the partial payment, ticket 42' },
    });
  });

  it('logs the operator\'s words quoted and escaped, so a newline in them cannot forge a log line', async () => {
    const transId = await orderPaid(t, 1000, 900);
    const log = new CapturedLog();
    t.app.useLogger(log);
    try {
      await reviews.resolve({ transId, outcome: { to: 'FAILED' }, by: 'mallory\r\n', why: 'refunded\n[Nest] order X resolved by cfo' });
    } finally {
      t.app.useLogger(['error']);
    }

    const lines = log.lines.map((l) => l.message).filter((m) => m.includes(transId));
    expect(lines).toEqual([`order ${transId} resolved from REVIEW to FAILED by "mallory": "refunded\\n[Nest] order X resolved by cfo"`]);
  });

  it('treats the same resolution again as a no-op that writes nothing', async () => {
    const transId = await orderPaid(t, 1000, 1200);
    await reviews.resolve({ transId, outcome: { to: 'PAID', paidMoney: 1200 }, by: 'alice', why: 'overpaid, refund issued separately' });
    const before = await countRows(t.dataSource, transId);

    const again = await reviews.resolve({ transId, outcome: { to: 'PAID', paidMoney: 1200 }, by: 'bob', why: 'double click' });

    expect(again.changed).toBe(false);
    expect(again.order.status).toBe('PAID');
    expect(await countRows(t.dataSource, transId)).toEqual(before);
  });

  it('still tells a repeat from a conflict once the resolution\'s month is archived', async () => {
    const transId = await orderPaid(t, 1000, 1200);
    await reviews.resolve({ transId, outcome: { to: 'PAID', paidMoney: 1200 }, by: 'alice', why: 'overpaid, refund issued separately' });
    await t.dataSource.query(`UPDATE baofoo_notification_ledger SET received_at = '2026-10-15T04:00:00Z' WHERE trans_id = $1`, [transId]);
    expect((await t.app.get(HousekeepingService).archiveLedgerMonth('2026-10')).moved).toBeGreaterThan(0);

    expect((await reviews.resolve({ transId, outcome: { to: 'PAID', paidMoney: 1200 }, by: 'bob', why: 'double click' })).changed).toBe(false);
    const e = await refusal(reviews.resolve({ transId, outcome: { to: 'FAILED' }, by: 'dave', why: 'changed my mind' }));
    expect(e).toMatchObject({ code: 'RESOLUTION_CONFLICT', evidence: { resolvedBy: 'alice' } });
  });

  it('refuses a resolution that contradicts an earlier one, naming who made it, and changes nothing', async () => {
    const transId = await orderPaid(t, 1000, 500);
    await reviews.resolve({ transId, outcome: { to: 'FAILED' }, by: 'carol', why: 'money returned to the payer' });
    const before = await countRows(t.dataSource, transId);

    const e = await refusal(reviews.resolve({ transId, outcome: { to: 'PAID', paidMoney: 500 }, by: 'dave', why: 'changed my mind' }));

    expect(e.code).toBe('RESOLUTION_CONFLICT');
    expect(e.evidence).toMatchObject({ status: 'FAILED', resolvedBy: 'carol' });
    expect(await countRows(t.dataSource, transId)).toEqual(before);
    expect((await orderState(t.dataSource, transId)).status).toBe('FAILED');
  });

  it('refuses to repeat a resolution the gateway has overtaken since (failed by hand, then paid late) as not in REVIEW, instead of calling it done', async () => {
    const transId = await orderPaid(t, 1000, 500);
    await reviews.resolve({ transId, outcome: { to: 'FAILED' }, by: 'carol', why: 'money returned to the payer' });
    await notifyPaid(t, transId, 1000);
    expect((await orderState(t.dataSource, transId)).status).toBe('PAID');
    const before = await countRows(t.dataSource, transId);

    const e = await refusal(reviews.resolve({ transId, outcome: { to: 'FAILED' }, by: 'carol', why: 'money returned to the payer' }));

    expect(e.code).toBe('ORDER_NOT_IN_REVIEW');
    expect(e.evidence).toMatchObject({ status: 'PAID' });
    expect(await countRows(t.dataSource, transId)).toEqual(before);
  });

  it('fails a REVIEW order with payment.failed carrying who resolved it', async () => {
    const transId = await orderPaid(t, 1000, 1);
    await reviews.resolve({ transId, outcome: { to: 'FAILED' }, by: 'carol', why: 'fraud suspected, bank reversed it' });
    expect((await orderState(t.dataSource, transId)).status).toBe('FAILED');
    const events = await outboxRows(t.dataSource, 'trans_id = $1', [transId]);
    expect(events.at(-1)).toMatchObject({ type: 'baofoo.payment.failed', payload: { source: 'operator', resolvedBy: { by: 'carol', why: 'fraud suspected, bank reversed it' } } });
  });

  it('refuses an order that is not in REVIEW with ORDER_NOT_IN_REVIEW, whether pending or paid by the gateway', async () => {
    const paid = await orderPaid(t, 700, 700);
    const before = await countRows(t.dataSource, paid);
    const e = await refusal(reviews.resolve({ transId: paid, outcome: { to: 'FAILED' }, by: 'eve', why: 'test' }));
    expect(e.code).toBe('ORDER_NOT_IN_REVIEW');
    expect(e.evidence).toMatchObject({ status: 'PAID' });
    expect(await countRows(t.dataSource, paid)).toEqual(before);
  });

  it('refuses an unknown TransID, a missing reason and an amount that is not positive whole fen', async () => {
    expect((await refusal(reviews.resolve({ transId: 'NOSUCHORDER1', outcome: { to: 'FAILED' }, by: 'eve', why: 'x' }))).code).toBe('ORDER_UNKNOWN');
    const transId = await orderPaid(t, 1000, 999);
    expect((await refusal(reviews.resolve({ transId, outcome: { to: 'FAILED' }, by: 'eve', why: '   ' }))).code).toBe('RESOLUTION_INVALID');
    for (const paidMoney of [0, -5, 1.5]) {
      expect((await refusal(reviews.resolve({ transId, outcome: { to: 'PAID', paidMoney }, by: 'eve', why: 'x' }))).code).toBe('RESOLUTION_INVALID');
    }
    expect((await orderState(t.dataSource, transId)).status).toBe('REVIEW');
  });

  it('lets exactly one of two operators who resolve the same order at once win; the other is told it conflicts', async () => {
    const transId = await orderPaid(t, 1000, 800);
    const settled = await Promise.allSettled([
      reviews.resolve({ transId, outcome: { to: 'PAID', paidMoney: 800 }, by: 'alice', why: 'ok' }),
      reviews.resolve({ transId, outcome: { to: 'FAILED' }, by: 'bob', why: 'no' }),
    ]);
    const won = settled.filter((s) => s.status === 'fulfilled');
    const lost = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    expect(won).toHaveLength(1);
    expect((lost[0].reason as BaofooOperationsError).code).toBe('RESOLUTION_CONFLICT');
    const ledger = await ledgerRows(t.dataSource, `trans_id = $1 AND method = 'OPERATOR'`, [transId]);
    expect(ledger).toHaveLength(1);
  });
});

describe('The resolve-review command', () => {
  let db: TestDatabase;
  let t: OperationsApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await createOperationsApp(db.url, 'forRoot', { tracing: false, housekeeping: { enabled: false } });
  });
  afterAll(async () => {
    await t?.app.close();
    await db?.drop();
  });

  const run = async (args: string[]) => {
    const io = memoryIo();
    const code = await runCli(['resolve-review', ...args], { DATABASE_URL: db.url }, io);
    return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
  };

  it('resolves a REVIEW order to PAID with who and why, then calls the same command again a no-op', async () => {
    const transId = await orderPaid(t, 1000, 950);
    const resolved = await run([transId, '--paid', '950', '--by', 'ops-alice', '--why', 'bank statement line 17']);
    // The data alone on stdout; the service's Nest log line on stderr.
    expect(resolved).toMatchObject({ code: 0, out: `order ${transId} resolved: REVIEW → PAID` });
    expect(resolved.err).toContain(`LOG [BaofooOperations] order ${transId} resolved from REVIEW to PAID by "ops-alice": "bank statement line 17"`);
    expect((await ledgerRows(t.dataSource, `trans_id = $1 AND method = 'OPERATOR'`, [transId]))[0].fields).toMatchObject({ ResolvedBy: 'ops-alice', Why: 'bank statement line 17' });
    expect(await run([transId, '--paid', '950', '--by', 'ops-alice', '--why', 'again'])).toMatchObject({ code: 0, out: expect.stringContaining('nothing changed') });
  });

  it('refuses a PAID order with exit 1 and the stable code, and bad arguments with exit 2', async () => {
    const transId = await orderPaid(t, 1000, 1000);
    expect(await run([transId, '--failed', '--by', 'ops', '--why', 'x'])).toMatchObject({ code: 1, out: expect.stringContaining('ORDER_NOT_IN_REVIEW') });
    expect((await run([transId, '--failed', '--paid', '5', '--by', 'ops', '--why', 'x'])).code).toBe(2);
    expect((await run([transId, '--failed', '--by', 'ops'])).code).toBe(2);
    expect((await run([transId, '--paid', '9.5', '--by', 'ops', '--why', 'x'])).code).toBe(2);
  });
});
