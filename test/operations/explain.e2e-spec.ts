import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { BaofooDatabase } from '../../src/baofoo/database/baofoo-database.ts';
import { BOARD_SQL } from '../../src/baofoo/board/board.reader.ts';
import { ORDER_STORY_SQL } from '../../src/baofoo/orders/order-story.reader.ts';
import { bridgeBacklogSql, bridgeOldestSql, deadLettersSql, dueOrdersSql, gaugesSql, mismatchesSql, openOrdersSql, outboxBacklogSql, outboxOldestSql } from '../../src/baofoo/metrics/gauge-sql.ts';
import { claimBridgeEvents } from '../../src/baofoo/bridge/bridge-store.ts';
import { MetricsReader } from '../../src/baofoo/metrics/metrics.reader.ts';
import { ledgerMonth } from '../../src/baofoo/operations/ledger-month.ts';
import { OperationsStore } from '../../src/baofoo/operations/operations.store.ts';
import { PaymentOrderRepository } from '../../src/baofoo/orders/payment-order.repository.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

const ORDERS = 1_000_000;
const NOW = new Date('2026-12-01T04:00:00Z');

/**
 * The queries that run all the time (reconciliation's claim, housekeeping) or
 * on every board view, planned by PostgreSQL on a million orders: each must
 * reach the orders through an index, never a sequential scan.
 */
describe(`Query plans on ${ORDERS.toLocaleString('en')} orders`, () => {
  let db: TestDatabase;
  // A plain connection: the module's pool options cut statements at a few seconds, and the bulk insert takes longer.
  let client: pg.Client;

  /** The plan of `sql`, as the statement the code sends (EXPLAIN plans, it does not run). */
  async function plan(sql: string, params: unknown[]): Promise<PlanNode[]> {
    const { rows } = await client.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
    return nodes(rows[0]['QUERY PLAN'][0].Plan);
  }

  /** A DataSource stand-in that plans each statement it is given instead of running it, and answers `rows`. */
  function planning(into: PlanNode[][], rows: unknown[] = []): BaofooDatabase {
    return { query: async (sql: string | { text: string }, params: unknown[]) => (into.push(await plan(typeof sql === 'string' ? sql : sql.text, params)), rows) } as unknown as BaofooDatabase;
  }

  /** `index`: the index the plan must read, or indexes of which it must read one (equally good ones the planner chooses between). */
  function expectIndexed(planNodes: PlanNode[], relation: string, index?: string | string[]): void {
    const scans = planNodes.filter((n) => n['Relation Name'] === relation && n['Node Type'].endsWith('Scan'));
    expect(scans.length).toBeGreaterThan(0);
    for (const scan of scans) expect(scan['Node Type']).not.toBe('Seq Scan');
    const wanted = typeof index === 'string' ? [index] : index;
    if (wanted) expect(planNodes.map((n) => n['Index Name']).filter((name) => name !== undefined && wanted.includes(name))).not.toHaveLength(0);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    // A throwaway database: skipping the WAL makes the bulk insert several times faster and changes no plan.
    for (const table of ['baofoo_payment_orders', 'baofoo_outbox', 'baofoo_notification_ledger', 'baofoo_refusal_counts']) await client.query(`ALTER TABLE ${table} SET UNLOGGED`);
    // Building the indexes once after the insert is much faster than keeping them up row by row; the definitions are the migrations' own.
    const { rows: indexes } = await client.query<{ name: string; definition: string }>(
      `SELECT indexname AS name, indexdef AS definition FROM pg_indexes WHERE tablename = 'baofoo_payment_orders' AND indexname NOT LIKE 'PK_%'`,
    );
    for (const index of indexes) await client.query(`DROP INDEX "${index.name}"`);
    // A year of orders: 0.1% still PENDING (half of them due), 0.1% in REVIEW, the rest settled.
    await client.query(
      `INSERT INTO baofoo_payment_orders (member_id, terminal_id, trans_id, pay_id, trade_date, order_money, fact_money, status, version, page_url, return_url,
         next_query_at, created_at, updated_at)
       SELECT '100000178', '10000001', 'T' || lpad(i::text, 12, '0'), '3002', '20261201120000', 1000 + i % 5000, CASE WHEN i % 1000 = 1 THEN 999 END,
         CASE WHEN i % 1000 = 0 THEN 'PENDING' WHEN i % 1000 = 1 THEN 'REVIEW' WHEN i % 10 = 2 THEN 'FAILED' WHEN i % 10 = 3 THEN 'EXPIRED' ELSE 'PAID' END, 2,
         'http://shop/p', 'http://shop/r',
         CASE WHEN i % 1000 = 0 THEN $1::timestamptz + make_interval(secs => (i % 7 - 3) * 60) END,
         $1::timestamptz - make_interval(secs => (i * 31) % 31536000), $1::timestamptz - make_interval(secs => (i * 17) % 31536000)
       FROM generate_series(1, ${ORDERS}) AS i`,
      [NOW],
    );
    await client.query(`SET maintenance_work_mem = '256MB'`);
    for (const index of indexes) await client.query(index.definition);
    // Their events, one in five long delivered (housekeeping's work), all but one in a thousand published by a RabbitMQ bridge,
    // and a ledger with a few mismatches.
    await client.query(
      `INSERT INTO baofoo_outbox (event_id, type, order_id, trans_id, payload, created_at, delivered_at, bridged_at)
       SELECT gen_random_uuid(), 'baofoo.payment.succeeded', i, 'T' || lpad(i::text, 12, '0'), '{}', $1::timestamptz - make_interval(days => i % 60), $1::timestamptz - make_interval(days => i % 60),
         CASE WHEN i % 1000 <> 0 THEN $1::timestamptz - make_interval(days => i % 60) END
       FROM generate_series(1, 200000) AS i`,
      [NOW],
    );
    await client.query(`INSERT INTO baofoo_bridges (exchange) VALUES ('baofoo.events')`);
    await client.query(
      `INSERT INTO baofoo_notification_ledger (received_at, order_id, trans_id, source_ip, method, raw_body, verdict, reason_code, http_status)
       SELECT $1::timestamptz - make_interval(secs => i * 60), i, 'T' || lpad(i::text, 12, '0'), '127.0.0.1', 'POST', '', 'applied',
         CASE WHEN i % 5000 = 0 THEN 'RECONCILIATION_MISMATCH' END, 200
       FROM generate_series(1, 200000) AS i`,
      [NOW],
    );
    // Refusal counts over sixty days: 2000 windows of a hundred sources each.
    await client.query(
      `INSERT INTO baofoo_refusal_counts (window_start, source_ip, reason_code, count, first_seen_at, last_seen_at, sample_method, sample_body)
       SELECT $1::timestamptz - make_interval(mins => (i / 100) * 43), '10.0.' || (i % 100) || '.1', 'SIGNATURE_INVALID', 1, $1::timestamptz, $1::timestamptz, 'POST', ''
       FROM generate_series(0, 199999) AS i`,
      [NOW],
    );
    await client.query(`ANALYZE baofoo_payment_orders, baofoo_outbox, baofoo_notification_ledger, baofoo_event_deliveries, baofoo_refusal_counts`);
  }, 240_000);

  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it("plans reconciliation's claim of due orders on the partial due-query index", async () => {
    const plans: PlanNode[][] = [];
    await new PaymentOrderRepository(planning(plans)).claimDueForQuery(NOW, 120, 100, 55);
    expectIndexed(plans[0], 'baofoo_payment_orders', 'baofoo_payment_orders_due_query');
  });

  it("plans the board's REVIEW queue, chart, backlog and TransID search (and PaymentOrders' lookup) on indexes", async () => {
    expectIndexed(await plan(BOARD_SQL.review, [100]), 'baofoo_payment_orders', 'baofoo_payment_orders_status_updated');
    expectIndexed(await plan(BOARD_SQL.chart, [new Date(NOW.getTime() - 15 * 86_400_000), 'Asia/Shanghai']), 'baofoo_payment_orders', 'baofoo_payment_orders_created_at');
    expectIndexed(await plan(BOARD_SQL.backlog, [NOW]), 'baofoo_payment_orders');
    expectIndexed(await plan(BOARD_SQL.overdue, [NOW, 20]), 'baofoo_payment_orders', 'baofoo_payment_orders_due_query');
    expectIndexed(await plan(ORDER_STORY_SQL.orders, ['T000000123456', null]), 'baofoo_payment_orders', 'baofoo_payment_orders_merchant_trans_id');
    expectIndexed(await plan(ORDER_STORY_SQL.orders, ['T000000123456', '100000178']), 'baofoo_payment_orders');
    expectIndexed(await plan(BOARD_SQL.mismatches, [50]), 'baofoo_notification_ledger', 'baofoo_notification_ledger_mismatch');
    expectIndexed(await plan(ORDER_STORY_SQL.ledger, ['T000000123456', null]), 'baofoo_notification_ledger', 'baofoo_notification_ledger_trans_id');
    expectIndexed(await plan(ORDER_STORY_SQL.ledger, ['T000000123456', null]), 'baofoo_notification_ledger_archive', 'baofoo_notification_ledger_archive_trans_id');
    expectIndexed(await plan(BOARD_SQL.events, [['123456']]), 'baofoo_outbox', 'baofoo_outbox_order_id');
    // The first-try half of a story's outcomes finds its events by id, not by reading the outbox.
    expectIndexed(await plan(BOARD_SQL.deliveries, [['00000000-0000-4000-8000-000000000001']]), 'baofoo_outbox', 'baofoo_outbox_event_id');
  });

  it("plans housekeeping's batch on the delivered-events index", async () => {
    const plans: PlanNode[][] = [];
    await new OperationsStore(planning(plans)).purgeDeliveredBatch(NOW, 1000);
    expectIndexed(plans[0], 'baofoo_outbox');
  });

  it("plans housekeeping's refusal-count batch on the table's primary key", async () => {
    const plans: PlanNode[][] = [];
    await new OperationsStore(planning(plans, [{ deleted: 0 }])).purgeRefusalCountBatch(new Date(NOW.getTime() - 30 * 86_400_000), 1000);
    expectIndexed(plans[0], 'baofoo_refusal_counts', 'PK_f2dc68f76ff31c396a4c207bca3');
  });

  it("plans the archive's batch on the ledger's received_at index, and deletes by primary key", async () => {
    const plans: PlanNode[][] = [];
    const { from, to } = ledgerMonth('2026-11', 'Asia/Shanghai', NOW);
    await new OperationsStore(planning(plans, [{ moved: 0, last: null }])).archiveLedgerBatch(from, to, 2000);
    expectIndexed(plans[0], 'baofoo_notification_ledger', 'baofoo_notification_ledger_received_at');
  });

  it("plans the bridge's claim, its per-order check and its gauges on the unbridged index", async () => {
    const plans: PlanNode[][] = [];
    await claimBridgeEvents(planning(plans), 200, 30_000);
    // Every scan of the outbox in the claim (the candidates and the per-order check) is an index scan; with a small
    // backlog the planner may check the orders through the same index, with a large one through baofoo_outbox_order_id.
    expectIndexed(plans[0], 'baofoo_outbox', 'baofoo_outbox_unbridged');
    expectIndexed(await plan(bridgeBacklogSql(), []), 'baofoo_outbox', 'baofoo_outbox_unbridged');
    expectIndexed(await plan(bridgeOldestSql(), []), 'baofoo_outbox', 'baofoo_outbox_unbridged');
    expectIndexed(await plan(BOARD_SQL.bridge, []), 'baofoo_outbox', 'baofoo_outbox_unbridged');
  });

  it('plans every lookup of a metrics scrape on an index: no pass over the orders', async () => {
    // Both partial indexes on the open statuses hold exactly the open orders; which one the planner reads varies with the sample.
    expectIndexed(await plan(openOrdersSql(), []), 'baofoo_payment_orders', ['baofoo_payment_orders_status_updated', 'baofoo_payment_orders_due_query']);
    expectIndexed(await plan(dueOrdersSql('$1'), [NOW]), 'baofoo_payment_orders', 'baofoo_payment_orders_due_query');
    expectIndexed(await plan(outboxBacklogSql(), []), 'baofoo_outbox', 'baofoo_outbox_due');
    expectIndexed(await plan(outboxOldestSql(), []), 'baofoo_outbox', 'baofoo_outbox_due');
    // The ledger here holds a handful of rows, so which index the planner takes for them varies from run to run; no pass over it is the point.
    expectIndexed(await plan(mismatchesSql(), []), 'baofoo_notification_ledger');
    // The deliveries table is empty here, where a sequential scan is the cheaper plan: its lookup is planned, not held to an index.
    expect((await plan(deadLettersSql(), [])).some((n) => n['Relation Name'] === 'baofoo_event_deliveries')).toBe(true);
    const scrape = await plan(gaugesSql(), [NOW]);
    for (const table of ['baofoo_payment_orders', 'baofoo_outbox', 'baofoo_notification_ledger']) expectIndexed(scrape, table);
  });

  it('reads the open orders exactly and the totals by status close to the truth, from the statistics', async () => {
    const reader = new MetricsReader({ query: async (sql: string, params: unknown[]) => (await client.query(sql, params)).rows } as unknown as BaofooDatabase);
    const reading = await reader.read(NOW);
    const { rows } = await client.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM baofoo_payment_orders GROUP BY status`);
    const exact = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    expect(reading.openOrders).toEqual({ PENDING: exact.PENDING, REVIEW: exact.REVIEW });
    expect(reading.reconciliationDue).toBe((await client.query(`SELECT count(*)::int AS n FROM baofoo_payment_orders WHERE status = 'PENDING' AND next_query_at <= $1`, [NOW])).rows[0].n);
    // ANALYZE samples 30,000 rows: a share of 10% or more is off by well under a tenth.
    for (const status of ['PAID', 'FAILED', 'EXPIRED'] as const) {
      expect(Math.abs(reading.estimatedOrders[status] - exact[status])).toBeLessThan(exact[status] * 0.1);
    }
  });
});
