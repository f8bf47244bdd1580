/**
 * The monthly ledger archive on a generated month, run on its own:
 *   tsc -p tsconfig.bench.json && node dist-bench/bench/ledger-archive.js [--rows 1000000] [--batch 2000]
 * (DATABASE_URL to use a running PostgreSQL; otherwise the bench's own embedded one, fsync on).
 *
 * Measures the time and WAL of moving the month with `HousekeepingService.archiveLedgerMonth`
 * on a pool with the module's statement timeout, the duration of single batches of several
 * sizes, the old one-statement move under the same timeout, and the latency of notifications
 * settled by the real settlement statement by two workers meanwhile (and before, for a baseline).
 */
import pg from 'pg';
import { BaofooDatabase } from '../src/baofoo/database/baofoo-database.ts';
import type { ResolvedBaofooOptions } from '../src/baofoo/config/resolved-options.ts';
import { outboxEntry } from '../src/baofoo/events/outbox-entry.ts';
import type { LedgerEntry } from '../src/baofoo/notifications/ledger-entry.ts';
import { HousekeepingService } from '../src/baofoo/operations/housekeeping.service.ts';
import { ledgerMonth } from '../src/baofoo/operations/ledger-month.ts';
import { resolveHousekeeping } from '../src/baofoo/operations/operations-options.ts';
import { OperationsStore } from '../src/baofoo/operations/operations.store.ts';
import { PaymentOrderRepository } from '../src/baofoo/orders/payment-order.repository.ts';
import { ADMIN_MARK, startBenchDatabase } from './bench-database.ts';
import { BENCH_MERCHANT, BENCH_ORDER_MONEY } from './bench-signing.ts';
import { percentile, round } from './bench-stats.ts';

const MONTH = '2026-10';
const TIME_ZONE = 'Asia/Shanghai';
const NOW = new Date('2026-12-01T04:00:00Z');
const STATEMENT_TIMEOUT_MS = 1500;
const PROBE_SIZES = [1000, 2000, 5000, 10_000, 20_000];
const SETTLE_WORKERS = 2;
const BASELINE_MS = 10_000;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const rows = arg('rows', 1_000_000);
const batchSize = arg('batch', resolveHousekeeping().archiveBatchSize);

/** A month of ledger rows spread evenly over [from, to), with a form body and fields the size of a real notification's. */
async function generateMonth(admin: pg.Pool, from: Date, to: Date): Promise<void> {
  const step = (to.getTime() - from.getTime()) / 1000 / rows;
  for (let start = 0; start < rows; start += 100_000) {
    await admin.query(
      `${ADMIN_MARK} INSERT INTO baofoo_notification_ledger (received_at, order_id, member_id, terminal_id, trans_id, source_ip, method, fields, raw_body, verdict, key_id, from_status, to_status, http_status)
       SELECT $1::timestamptz + make_interval(secs => i * $2::float8), i, '100000178', '10000001', 'A' || lpad(i::text, 12, '0'), '203.0.113.7', 'POST',
              jsonb_build_object('MemberID', '100000178', 'TerminalID', '10000001', 'TransID', 'A' || lpad(i::text, 12, '0'), 'Result', '1', 'ResultDesc', '01',
                'FactMoney', '1000', 'AdditionalInfo', '', 'SuccTime', '20261015120000', 'Md5Sign', md5(i::text)),
              'MemberID=100000178&TerminalID=10000001&TransID=A' || lpad(i::text, 12, '0') || '&Result=1&ResultDesc=01&FactMoney=1000&AdditionalInfo=&SuccTime=20261015120000&Md5Sign=' || md5(i::text)
                || '&BankID=&ExtraInfo=' || repeat('x', 200),
              'applied', 'k1', 'PENDING', 'PAID', 200
       FROM generate_series($3::int, $4::int) AS i`,
      [from, step, start, Math.min(rows, start + 100_000) - 1],
    );
  }
  // The months either side, which must stay.
  for (const at of [new Date(from.getTime() - 3_600_000), new Date(to.getTime() + 3_600_000)]) {
    await admin.query(
      `${ADMIN_MARK} INSERT INTO baofoo_notification_ledger (received_at, source_ip, method, raw_body, verdict, http_status) SELECT $1, '203.0.113.7', 'POST', 'x', 'applied', 200 FROM generate_series(1, 1000)`,
      [at],
    );
  }
}

/** Two workers settling PENDING orders one after another through the real settlement statement, each timed. */
function settleLoop(orders: PaymentOrderRepository, prefix: string, first: number) {
  const latencies: number[] = [];
  let next = first;
  let stopped = false;
  let failures = 0;
  const settleOne = async (transId: string) => {
    const ledger: LedgerEntry = {
      orderId: null,
      memberId: BENCH_MERCHANT.memberId,
      terminalId: BENCH_MERCHANT.terminalId,
      transId,
      sourceIp: '127.0.0.1',
      method: 'POST',
      fields: { TransID: transId },
      rawBody: `MemberID=${BENCH_MERCHANT.memberId}&TransID=${transId}&${'x'.repeat(300)}`,
      verdict: 'applied',
      reasonCode: null,
      reason: null,
      keyId: 'k1',
      fromStatus: 'PENDING',
      toStatus: 'PAID',
      httpStatus: 200,
    };
    const subject = { orderId: null, transId, memberId: BENCH_MERCHANT.memberId, terminalId: BENCH_MERCHANT.terminalId, orderMoney: BENCH_ORDER_MONEY, factMoney: BENCH_ORDER_MONEY, status: 'PAID', previousStatus: 'PENDING', source: 'notification' as const };
    const settled = await orders.settlePending(
      { memberId: BENCH_MERCHANT.memberId, transId, terminalId: BENCH_MERCHANT.terminalId, paidMoney: BENCH_ORDER_MONEY, resultDesc: '01', succTime: '20261201120000', settledBy: 'notification', additionalInfo: null },
      ledger,
      [outboxEntry('baofoo.payment.succeeded', subject, new Date(), { resultDesc: '01', succTime: '20261201120000', late: false, partial: false, shortfall: 0, reason: null })],
    );
    if (!settled) throw new Error(`${transId} was not settled`);
  };
  const worker = async () => {
    while (!stopped) {
      const transId = `${prefix}${String(next++).padStart(10, '0')}`;
      const started = performance.now();
      try {
        await settleOne(transId);
        latencies.push(performance.now() - started);
      } catch {
        failures++;
      }
    }
  };
  const running = Promise.all(Array.from({ length: SETTLE_WORKERS }, worker));
  return {
    stop: async () => {
      stopped = true;
      await running;
      return { next, settled: latencies.length, failures, p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)), max: round(Math.max(...latencies)) };
    },
  };
}

/** Polls for lock waits while `during` runs: the most backends seen waiting on a lock at once, and how many samples saw any. */
async function lockWaits<T>(admin: pg.Pool, during: Promise<T>): Promise<{ result: T; maxWaiting: number; samplesWithWaits: number; samples: number }> {
  let done = false;
  const stats = { maxWaiting: 0, samplesWithWaits: 0, samples: 0 };
  const poll = (async () => {
    while (!done) {
      const { rows: r } = await admin.query(`${ADMIN_MARK} SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`);
      stats.samples++;
      if (r[0].n > 0) stats.samplesWithWaits++;
      stats.maxWaiting = Math.max(stats.maxWaiting, r[0].n);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  try {
    return { result: await during, ...stats };
  } finally {
    done = true;
    await poll;
  }
}

async function walLsn(admin: pg.Pool): Promise<string> {
  return (await admin.query(`${ADMIN_MARK} SELECT pg_current_wal_lsn()::text AS lsn`)).rows[0].lsn;
}

async function walSince(admin: pg.Pool, lsn: string): Promise<number> {
  return Number((await admin.query(`${ADMIN_MARK} SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::float8 AS bytes`, [lsn])).rows[0].bytes);
}

async function main(): Promise<void> {
  const bench = await startBenchDatabase();
  const db = new BaofooDatabase(() => ({ connectionString: bench.url }), { poolSize: 6, statementTimeoutMs: STATEMENT_TIMEOUT_MS, connectTimeoutMs: 1000, answerWithinMs: 2000 }, 'bench-archive');
  try {
    const report: Record<string, unknown> = { rows, batchSize, statementTimeoutMs: STATEMENT_TIMEOUT_MS, durability: await bench.setDurability('on') };
    const { from, to } = ledgerMonth(MONTH, TIME_ZONE, NOW);
    let t = performance.now();
    await generateMonth(bench.admin, from, to);
    await bench.seed('S', 400_000);
    await bench.admin.query(`${ADMIN_MARK} VACUUM ANALYZE baofoo_notification_ledger`);
    await bench.admin.query(`${ADMIN_MARK} CHECKPOINT`);
    const size = (await bench.admin.query(`${ADMIN_MARK} SELECT pg_total_relation_size('baofoo_notification_ledger')::float8 AS bytes`)).rows[0].bytes as number;
    report.generated = { seconds: round((performance.now() - t) / 1000), ledgerMiB: round(size / 2 ** 20) };

    // The move as it was: one statement for the whole month, under the same timeout.
    t = performance.now();
    const oneStatement = await db
      .query(
        `WITH moved AS (DELETE FROM baofoo_notification_ledger WHERE received_at >= $1 AND received_at < $2 RETURNING *)
         INSERT INTO baofoo_notification_ledger_archive SELECT * FROM moved`,
        [from, to],
      )
      .then(
        () => 'finished',
        (e: { code?: string; message: string }) => `${e.code ?? ''} ${e.message}`.trim(),
      );
    report.oneStatement = { outcome: oneStatement, ms: round(performance.now() - t) };
    await bench.admin.query(`${ADMIN_MARK} VACUUM baofoo_notification_ledger`);
    await bench.admin.query(`${ADMIN_MARK} CHECKPOINT`);

    // Single batches of several sizes from the start of the month (the full run below resumes after them).
    const store = new OperationsStore(db);
    const probes: Record<string, (number | string)[]> = {};
    for (const size of PROBE_SIZES) {
      probes[size] = [];
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        const outcome = await store.archiveLedgerBatch(from, to, size).then(
          () => round(performance.now() - started) as number,
          (e: { code?: string }) => `failed ${e.code ?? ''}`,
        );
        probes[size].push(outcome);
      }
    }
    report.singleBatchMs = probes;

    const orders = new PaymentOrderRepository(db);
    const baseline = settleLoop(orders, 'S', 0);
    await new Promise((resolve) => setTimeout(resolve, BASELINE_MS));
    const settleBaseline = await baseline.stop();
    report.settleBaseline = settleBaseline;

    await bench.admin.query(`${ADMIN_MARK} CHECKPOINT`);
    const lsn = await walLsn(bench.admin);
    const housekeeping = new HousekeepingService(store, resolveHousekeeping({ archiveBatchSize: batchSize }), { timeZone: TIME_ZONE } as ResolvedBaofooOptions, () => NOW);
    // The baseline's workers took the first orders; these take the next ones.
    const during = settleLoop(orders, 'S', settleBaseline.next);
    t = performance.now();
    const archived = await lockWaits(bench.admin, housekeeping.archiveLedgerMonth(MONTH));
    const seconds = (performance.now() - t) / 1000;
    report.settleDuringArchive = await during.stop();
    const wal = await walSince(bench.admin, lsn);
    const run = archived.result;
    report.archive = {
      moved: run.moved,
      batches: run.batches,
      seconds: round(seconds),
      rowsPerSecond: Math.round(run.moved / seconds),
      batchMs: { p50: round(percentile(run.batchMs, 50)), p99: round(percentile(run.batchMs, 99)), max: round(Math.max(...run.batchMs)) },
      walMiB: round(wal / 2 ** 20),
      walBytesPerRow: Math.round(wal / run.moved),
      lockWaits: { maxWaiting: archived.maxWaiting, samplesWithWaits: archived.samplesWithWaits, samples: archived.samples },
    };
    const counts = (
      await bench.admin.query(
        `${ADMIN_MARK} SELECT (SELECT count(*)::int FROM baofoo_notification_ledger WHERE received_at >= $1 AND received_at < $2) AS left,
                (SELECT count(*)::int FROM baofoo_notification_ledger_archive) AS archived,
                (SELECT count(*)::int FROM baofoo_notification_ledger WHERE received_at < $1 OR received_at >= $2 AND received_at < $3) AS neighbours`,
        [from, to, NOW],
      )
    ).rows[0];
    report.check = { ...counts, expectedArchived: rows };
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await db.end();
    await bench.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
