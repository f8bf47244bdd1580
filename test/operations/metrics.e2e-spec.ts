import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Registry } from 'prom-client';
import { BAOFOO_OPTIONS } from '../../src/baofoo/baofoo.constants.ts';
import { BaofooObservation } from '../../src/baofoo/common/observation/baofoo-observation.ts';
import { NO_OBSERVER } from '../../src/baofoo/common/observation/baofoo-observer.ts';
import { BaofooDatabase } from '../../src/baofoo/database/baofoo-database.ts';
import { OutboxMonitor } from '../../src/baofoo/events/outbox-monitor.service.ts';
import { BaofooHealthIndicator } from '../../src/baofoo/health/baofoo.health-indicator.ts';
import { NotificationService } from '../../src/baofoo/notifications/notification.service.ts';
import { PaymentService } from '../../src/baofoo/payments/payment.service.ts';
import { formBody, successFields } from '../notifications/notification-support.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { createOperationsApp, orderPaid, type OperationsApp } from './operations-test-app.ts';
import { recordSpans } from './recording-tracer.ts';

/** The value of one sample line of the exposition text, or undefined when absent. */
function sample(text: string, line: string): number | undefined {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('Metrics and spans of BaofooOperationsModule', () => {
  let db: TestDatabase;
  let t: OperationsApp;
  const registry = new Registry();
  const tracing = recordSpans();

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await createOperationsApp(db.url, 'forRoot', { metrics: { registry, gaugeCacheMs: 0 }, housekeeping: { enabled: false } });
  });
  afterAll(async () => {
    tracing.stop();
    await t?.app.close();
    await db?.drop();
  });

  it('counts notifications by verdict and reason code, and times their settlement', async () => {
    await orderPaid(t, 1000, 1000);
    await orderPaid(t, 1000, 900);
    const { order } = await t.app.get(PaymentService).createPayment({ orderMoney: 300, payId: '3002' });
    const forged = { ...successFields(order.transId, 300), Md5Sign: '0'.repeat(32) };
    const res = await fetch(`${t.url}/baofoo/notify`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: formBody(forged) });
    expect(await res.text()).toMatch(/^FAIL/);

    const text = await registry.metrics();
    expect(sample(text, 'baofoo_notifications_total{verdict="applied",reason_code="none"}')).toBe(1);
    // An amount that does not match is held in REVIEW with its reason code on the ledger row.
    expect(sample(text, 'baofoo_notifications_total{verdict="review",reason_code="AMOUNT_MISMATCH"}')).toBe(1);
    const rejected = text.split('\n').filter((l) => l.startsWith('baofoo_notifications_total{verdict="rejected"'));
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatch(/reason_code="[A-Z_]+"} 1$/);
    expect(sample(text, 'baofoo_settlement_duration_seconds_count{source="notification"}')).toBe(2);
    expect(sample(text, 'baofoo_events_written_total{type="baofoo.payment.succeeded"}')).toBe(1);
  });

  it('reads the open orders exactly, outbox backlog and dead letters from the database at scrape time', async () => {
    // Orders of its own, so the test stands alone: one held in REVIEW, one left PENDING.
    await orderPaid(t, 1000, 900);
    await t.app.get(PaymentService).createPayment({ orderMoney: 300, payId: '3002' });
    const open: { status: string; n: number }[] = await t.dataSource.query(`SELECT status, count(*)::int AS n FROM baofoo_payment_orders WHERE status IN ('REVIEW', 'PENDING') GROUP BY status`);
    const text = await registry.metrics();
    for (const status of ['REVIEW', 'PENDING']) {
      const n = open.find((o) => o.status === status)?.n ?? 0;
      expect(n).toBeGreaterThanOrEqual(1);
      expect(sample(text, `baofoo_orders{status="${status}"}`)).toBe(n);
    }
    // Settled orders are never counted at scrape time: their totals are the estimate below.
    expect(sample(text, 'baofoo_orders{status="PAID"}')).toBeUndefined();
    // The outbox relay is off in this app: every event written is still waiting.
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM baofoo_outbox`);
    expect(sample(text, 'baofoo_outbox_backlog')).toBe(n);
    expect(sample(text, 'baofoo_dead_letters')).toBe(0);
  });

  it("reads the oldest undelivered event's age alike in the gauge (s), the health indicator (ms) and the outbox monitor (ms)", async () => {
    await orderPaid(t, 1000, 1000);
    const health = new BaofooHealthIndicator(new HealthIndicatorService(), t.app.get(BaofooDatabase), t.app.get(BAOFOO_OPTIONS));
    // The relay is off, so the event waits: made 90 s old on the database clock, the age every reader must report.
    const started = performance.now();
    await t.dataSource.query(`UPDATE baofoo_outbox SET created_at = clock_timestamp() - interval '90 seconds' WHERE id = (SELECT min(id) FROM baofoo_outbox WHERE delivered_at IS NULL)`);
    const ages = [
      sample(await registry.metrics(), 'baofoo_outbox_oldest_pending_seconds')! * 1000,
      (await health.snapshot()).outboxLagMs,
      (await t.app.get(OutboxMonitor).snapshot()).oldestPendingAgeMs!,
    ];
    // Each reading is 90 s plus the time since the update, in whole ms.
    const since = performance.now() - started;
    for (const ms of ages) {
      expect(ms).toBeGreaterThanOrEqual(90_000);
      expect(ms).toBeLessThanOrEqual(90_000 + since + 1);
    }
  });

  it("estimates the orders by every status from the planner's statistics, once ANALYZE has run", async () => {
    // Each status on several orders: ANALYZE keeps a status among its most common values only when it is seen more than once.
    await t.dataSource.query(
      `INSERT INTO baofoo_payment_orders (member_id, terminal_id, trans_id, pay_id, trade_date, order_money, status, version, page_url, return_url)
       SELECT '100000178', '10000001', 'ESTORDER' || i, '3002', '20261201120000', 100, (ARRAY['PAID', 'FAILED', 'EXPIRED', 'PENDING', 'REVIEW'])[1 + i % 5], 1, 'http://shop/p', 'http://shop/r'
       FROM generate_series(1, 23) AS i`,
    );
    expect(sample(await registry.metrics(), 'baofoo_orders_estimated{status="PAID"}')).toBe(0);
    await t.dataSource.query(`ANALYZE baofoo_payment_orders`);
    const text = await registry.metrics();
    const rows: { status: string; n: number }[] = await t.dataSource.query(`SELECT status, count(*)::int AS n FROM baofoo_payment_orders GROUP BY status`);
    for (const { status, n } of rows) expect(sample(text, `baofoo_orders_estimated{status="${status}"}`)).toBe(n);
    expect(sample(text, 'baofoo_orders{status="PENDING"}')).toBe(rows.find((r) => r.status === 'PENDING')?.n);
  });

  it('never uses a TransID or an IP as a label value', async () => {
    const transIds: { trans_id: string }[] = await t.dataSource.query(`SELECT trans_id FROM baofoo_payment_orders`);
    const text = await registry.metrics();
    for (const { trans_id } of transIds) expect(text).not.toContain(trans_id);
    expect(text).not.toContain('127.0.0.1');
  });

  it('opens a span per notification and per settlement statement, with the TransID and the event ids as attributes', async () => {
    const before = tracing.spans.length;
    const transId = await orderPaid(t, 2000, 2000);
    const spans = tracing.spans.slice(before);
    const notification = spans.find((s) => s.name === 'baofoo.notification');
    expect(notification).toMatchObject({ ended: true, attributes: { 'baofoo.trans_id': transId, 'http.response.status_code': 200 } });
    const settlement = spans.find((s) => s.name.startsWith('baofoo.settlement.') && s.attributes['baofoo.outcome'] === 'written');
    const [{ eventId }] = await t.dataSource.query(`SELECT event_id::text AS "eventId" FROM baofoo_outbox WHERE trans_id = $1`, [transId]);
    expect(settlement?.attributes).toMatchObject({ 'baofoo.trans_id': transId, 'baofoo.event_ids': [eventId] });
  });
});

describe('BaofooOperationsModule with metrics and tracing off', () => {
  let db: TestDatabase;
  let t: OperationsApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await createOperationsApp(db.url, 'forRootAsync', { tracing: false, housekeeping: { enabled: false } });
  });
  afterAll(async () => {
    await t?.app.close();
    await db?.drop();
  });

  it('leaves the services on the no-op observer, their methods their own', async () => {
    expect(t.app.get(BaofooObservation).observer).toBe(NO_OBSERVER);
    expect(Object.hasOwn(t.app.get(NotificationService), 'apply')).toBe(false);
    await orderPaid(t, 1000, 1000);
  });
});
