/**
 * What one metrics scrape costs on a large order table, run on its own:
 *   tsc -p tsconfig.bench.json && node dist-bench/bench/metrics-scrape.js [--orders 1000000]
 * (DATABASE_URL to use a running PostgreSQL; otherwise the bench's own embedded one).
 *
 * Generates the orders (0.1% PENDING, 0.1% REVIEW, the rest settled), an outbox
 * backlog and a ledger, VACUUM ANALYZE as autovacuum would, then prints
 * EXPLAIN (ANALYZE, BUFFERS) of each lookup of the scrape, of the whole scrape
 * statement, and of the count by status that the scrape used to run.
 */
import { dueOrdersSql, deadLettersSql, estimatedOrdersSql, gaugesSql, mismatchesSql, openOrdersSql, outboxBacklogSql, outboxOldestSql } from '../src/baofoo/metrics/gauge-sql.ts';
import { ADMIN_MARK, startBenchDatabase } from './bench-database.ts';

const NOW = new Date('2026-12-01T04:00:00Z');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const orders = arg('orders', 1_000_000);

const FORMER_COUNT_BY_STATUS = `SELECT coalesce(jsonb_object_agg(status, n), '{}'::jsonb) FROM (SELECT status, count(*)::int AS n FROM baofoo_payment_orders GROUP BY status) s`;

async function main(): Promise<void> {
  const bench = await startBenchDatabase();
  const q = (sql: string, params: unknown[] = []) => bench.admin.query(`${ADMIN_MARK} ${sql}`, params);
  try {
    let t = performance.now();
    const { rows: indexes } = await q(`SELECT indexname AS name, indexdef AS definition FROM pg_indexes WHERE tablename = 'baofoo_payment_orders' AND indexname NOT LIKE 'PK_%'`);
    for (const index of indexes) await q(`DROP INDEX "${index.name}"`);
    for (let start = 1; start <= orders; start += 1_000_000) {
      await q(
        `INSERT INTO baofoo_payment_orders (member_id, terminal_id, trans_id, pay_id, trade_date, order_money, fact_money, status, version, page_url, return_url, next_query_at, created_at, updated_at)
         SELECT '100000178', '10000001', 'T' || lpad(i::text, 12, '0'), '3002', '20261201120000', 1000 + i % 5000, CASE WHEN i % 1000 = 1 THEN 999 END,
           CASE WHEN i % 1000 = 0 THEN 'PENDING' WHEN i % 1000 = 1 THEN 'REVIEW' WHEN i % 10 = 2 THEN 'FAILED' WHEN i % 10 = 3 THEN 'EXPIRED' ELSE 'PAID' END, 2,
           'http://shop/p', 'http://shop/r',
           CASE WHEN i % 1000 IN (0, 1) THEN $1::timestamptz + make_interval(secs => (i % 7 - 3) * 60) END,
           $1::timestamptz - make_interval(secs => (i * 31) % 31536000), $1::timestamptz - make_interval(secs => (i * 17) % 31536000)
         FROM generate_series($2::int, $3::int) AS i`,
        [NOW, start, Math.min(orders, start + 999_999)],
      );
    }
    await q(`SET maintenance_work_mem = '512MB'`);
    for (const index of indexes) await q(index.definition);
    await q(
      `INSERT INTO baofoo_outbox (event_id, type, order_id, trans_id, payload, created_at, delivered_at)
       SELECT gen_random_uuid(), 'baofoo.payment.succeeded', i, 'T' || lpad(i::text, 12, '0'), '{}', $1::timestamptz - make_interval(mins => i % 600),
              CASE WHEN i % 100 <> 0 THEN $1::timestamptz END
       FROM generate_series(1, 200000) AS i`,
      [NOW],
    );
    await q(
      `INSERT INTO baofoo_notification_ledger (received_at, order_id, trans_id, source_ip, method, raw_body, verdict, reason_code, http_status)
       SELECT $1::timestamptz - make_interval(secs => i * 60), i, 'T' || lpad(i::text, 12, '0'), '127.0.0.1', 'POST', '', 'applied',
         CASE WHEN i % 5000 = 0 THEN 'RECONCILIATION_MISMATCH' END, 200
       FROM generate_series(1, 200000) AS i`,
      [NOW],
    );
    await q(`VACUUM ANALYZE baofoo_payment_orders, baofoo_outbox, baofoo_notification_ledger, baofoo_event_deliveries`);
    const size = (await q(`SELECT pg_total_relation_size('baofoo_payment_orders')::float8 AS bytes`)).rows[0].bytes as number;
    console.log(`# ${orders.toLocaleString('en')} orders (${Math.round(size / 2 ** 20)} MiB with indexes), generated in ${Math.round((performance.now() - t) / 1000)} s\n`);

    const statements: [string, string, unknown[]][] = [
      ['open orders (exact)', openOrdersSql(), []],
      ['orders by status (estimate)', estimatedOrdersSql(), []],
      ['reconciliation due', dueOrdersSql('$1'), [NOW]],
      ['outbox backlog', outboxBacklogSql(), []],
      ['outbox oldest', outboxOldestSql(), []],
      ['dead letters', deadLettersSql(), []],
      ['mismatches', mismatchesSql(), []],
      ['the whole scrape statement', gaugesSql(), [NOW]],
      ['before: count of every order by status', FORMER_COUNT_BY_STATUS, []],
    ];
    for (const [name, sql, params] of statements) {
      // Twice: the second run is the steady state of a scrape every 10 s (pages cached).
      await q(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
      const { rows } = await q(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
      console.log(`## ${name}\n\n${rows.map((r) => `    ${r['QUERY PLAN']}`).join('\n')}\n`);
    }
  } finally {
    await bench.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
