import { cpus, totalmem } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { startBenchDatabase, type BenchDatabase } from './bench-database.ts';
import { BENCH_ORDER_MONEY } from './bench-signing.ts';
import { mean, percentile, round } from './bench-stats.ts';
import { runWorker, startServer, type ServerHandle } from './child-process.ts';
import type { LoadJob, LoadResult, StormResult } from './load.worker.ts';
import { writeReport, type BenchResults, type ServerFigures } from './report.ts';

/*
 * `npm run bench`: floor, naive and module servers on one PostgreSQL, each
 * loaded from a separate process with unique signed notifications; then the
 * duplicate storm and the soak against the module. Flags: --quick (short
 * runs, for trying the bench itself), --no-soak, --cpu-prof (profiles the
 * module server into bench/results/profiles).
 */

const args = new Set(process.argv.slice(2));
const QUICK = args.has('--quick');
const CONNECTIONS = 32;
const POOL_SIZE = 16;
const WARMUP_SECONDS = QUICK ? 2 : 3;
const SECONDS = QUICK ? 4 : 12;
const SOAK_SECONDS = QUICK ? 15 : 60;
const SOAK_WARMUP_SECONDS = 5;
const SOAK_RATE = 300;
/** Upper bound on what any server could consume in one timed run on this kind of machine. */
const ORDERS_PER_RUN = QUICK ? 60_000 : 150_000;
const STORM = { orders: 1000, copies: 20, ordersInFlight: 4 };

const log = (line: string) => process.stdout.write(`[bench] ${line}\n`);

async function paidCount(db: BenchDatabase, prefix: string): Promise<number> {
  const { rows } = await db.admin.query(`SELECT count(*)::int AS n FROM baofoo_payment_orders WHERE trans_id LIKE $1 AND status = 'PAID'`, [`${prefix}%`]);
  return rows[0].n;
}

async function waitForOutboxDrained(db: BenchDatabase, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const { rows } = await db.admin.query('SELECT count(*)::int AS n FROM baofoo_outbox WHERE delivered_at IS NULL');
    if (rows[0].n === 0) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${rows[0].n} outbox events still undelivered after ${timeoutMs} ms`);
    await delay(100);
  }
}

interface Scenario {
  name: 'floor' | 'naive' | 'module';
  script: string;
  path: string;
  letter: string;
}

interface ModuleExtra {
  delivered: number;
  lagsMs: number[];
  relayLagsMs: number[];
}

async function measure(db: BenchDatabase, s: Scenario): Promise<{ figures: ServerFigures; server: ServerHandle; extra: ModuleExtra | null }> {
  await db.reset();
  const warm = `${s.letter}W`;
  const timed = `${s.letter}M`;
  await db.seed(warm, ORDERS_PER_RUN / 2);
  await db.seed(timed, ORDERS_PER_RUN);
  const execArgv = s.name === 'module' && args.has('--cpu-prof') ? ['--cpu-prof', '--cpu-prof-dir=bench/results/profiles'] : [];
  const server = await startServer(s.script, { DATABASE_URL: db.url, POOL_SIZE: String(POOL_SIZE) }, execArgv);
  const url = `${server.url}${s.path}`;
  const base = { mode: 'load', url, connections: CONNECTIONS } as const;
  await runWorker<LoadResult>({ ...base, prefix: warm, orders: ORDERS_PER_RUN / 2, warmupSeconds: 0, seconds: WARMUP_SECONDS } satisfies LoadJob);
  if (s.name === 'module') await server.stats(); // drops the warm-up's lag samples
  server.mark();
  const r = await runWorker<LoadResult>({ ...base, prefix: timed, orders: ORDERS_PER_RUN, warmupSeconds: 0, seconds: SECONDS } satisfies LoadJob);
  const stats = await server.stats();
  const paid = await paidCount(db, timed);
  log(`${s.name}: ${Math.round(r.rps)} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, peak RSS ${Math.round(stats.rss.peakMb)} MB, non-OK ${r.nonOk}, paid ${paid}/${r.used}`);
  return {
    server,
    extra: s.name === 'module' ? (stats.extra as unknown as ModuleExtra) : null,
    figures: { rps: round(r.rps, 0)!, p50Ms: r.p50Ms, p99Ms: r.p99Ms, rssMb: round(stats.rss.peakMb, 0)!, requests: r.requests, nonOk: r.nonOk, paid },
  };
}

async function main(): Promise<void> {
  const db = await startBenchDatabase();
  const version = (await db.admin.query('SHOW server_version')).rows[0].server_version as string;
  log(`PostgreSQL ${version}; ${cpus().length} cores; ${CONNECTIONS} connections; ${WARMUP_SECONDS} s warm-up + ${SECONDS} s per server`);
  try {
    const floor = await measure(db, { name: 'floor', script: './servers/floor-server.js', path: '/', letter: 'F' });
    await floor.server.stop();
    const naive = await measure(db, { name: 'naive', script: './servers/naive-server.js', path: '/notify', letter: 'N' });
    await naive.server.stop();
    const mod = await measure(db, { name: 'module', script: './servers/module-server.js', path: '/baofoo/notify', letter: 'M' });
    const drainMs = await waitForOutboxDrained(db, 120_000);
    const after = (await mod.server.stats()).extra as unknown as ModuleExtra;
    const lagsMs = [...mod.extra!.lagsMs, ...after.lagsMs];
    const lag = {
      delivered: mod.extra!.delivered + after.delivered,
      lagP99Ms: percentile(lagsMs, 99),
      lagP50Ms: percentile(lagsMs, 50),
      relayLagP99Ms: percentile([...mod.extra!.relayLagsMs, ...after.relayLagsMs], 99),
    };
    log(`outbox: ${lag.delivered} events delivered, listener lag p50 ${lag.lagP50Ms} ms / p99 ${lag.lagP99Ms} ms, drained ${drainMs} ms after the load`);

    // Duplicate storm on the same module process.
    await db.reset();
    await db.seed('SD', STORM.orders);
    await mod.server.stats();
    const storm = await runWorker<StormResult>({ mode: 'storm', url: `${mod.server.url}/baofoo/notify`, prefix: 'SD', ...STORM } satisfies LoadJob);
    await waitForOutboxDrained(db, 60_000);
    const stormStats = (await mod.server.stats()).extra as { delivered: number };
    const counts = (
      await db.admin.query(
        `SELECT (SELECT count(*) FROM baofoo_notification_ledger WHERE trans_id LIKE 'SD%' AND verdict = 'applied')::int AS transitions,
                (SELECT count(*) FROM baofoo_notification_ledger WHERE trans_id LIKE 'SD%' AND verdict = 'duplicate')::int AS duplicates,
                (SELECT count(*) FROM baofoo_outbox WHERE trans_id LIKE 'SD%')::int AS events,
                (SELECT count(*) FROM baofoo_payment_orders WHERE trans_id LIKE 'SD%' AND status = 'PAID' AND version = 2 AND fact_money = $1)::int AS paid`,
        [BENCH_ORDER_MONEY],
      )
    ).rows[0] as { transitions: number; duplicates: number; events: number; paid: number };
    log(`storm: ${storm.requests} requests in ${storm.seconds.toFixed(1)} s, transitions ${counts.transitions}, events ${counts.events}, delivered ${stormStats.delivered}, non-OK ${storm.nonOk}`);

    let soak: BenchResults['soak'] = null;
    if (!args.has('--no-soak')) {
      await db.reset();
      await db.seed('KW', SOAK_RATE * (SOAK_WARMUP_SECONDS + 2));
      await db.seed('KM', SOAK_RATE * (SOAK_SECONDS + 5));
      const job = { mode: 'load', url: `${mod.server.url}/baofoo/notify`, connections: CONNECTIONS, rate: SOAK_RATE, warmupSeconds: 0 } as const;
      await runWorker<LoadResult>({ ...job, prefix: 'KW', orders: SOAK_RATE * (SOAK_WARMUP_SECONDS + 2), seconds: SOAK_WARMUP_SECONDS } satisfies LoadJob);
      mod.server.mark();
      const r = await runWorker<LoadResult>({ ...job, prefix: 'KM', orders: SOAK_RATE * (SOAK_SECONDS + 5), seconds: SOAK_SECONDS } satisfies LoadJob);
      const { rss } = await mod.server.stats();
      const window = Math.round(10_000 / rss.intervalMs);
      const startMb = mean(rss.samplesMb.slice(0, window));
      const endMb = mean(rss.samplesMb.slice(-window));
      soak = {
        seconds: SOAK_SECONDS,
        rate: SOAK_RATE,
        rps: round(r.rps, 0)!,
        p99Ms: r.p99Ms,
        nonOk: r.nonOk,
        rssStartMb: round(startMb, 1)!,
        rssEndMb: round(endMb, 1)!,
        rssPeakMb: round(rss.peakMb, 1)!,
        rssGrowthPct: round(((endMb - startMb) / startMb) * 100, 1)!,
      };
      log(`soak: ${soak.rps} req/s for ${SOAK_SECONDS} s, RSS ${soak.rssStartMb} → ${soak.rssEndMb} MB (${soak.rssGrowthPct} %), p99 ${r.p99Ms} ms, non-OK ${r.nonOk}`);
    }
    await mod.server.stop();

    const results: BenchResults = {
      date: new Date().toISOString(),
      quick: QUICK,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 1024 ** 3), node: process.version, postgres: version },
      config: { connections: CONNECTIONS, poolSize: POOL_SIZE, warmupSeconds: WARMUP_SECONDS, seconds: SECONDS },
      floor: floor.figures,
      naive: naive.figures,
      module: mod.figures,
      ratios: { moduleOverFloor: round(mod.figures.rps / floor.figures.rps, 2)!, moduleOverNaive: round(mod.figures.rps / naive.figures.rps, 2)! },
      outbox: { lagP99Ms: lag.lagP99Ms, lagP50Ms: lag.lagP50Ms, relayLagP99Ms: lag.relayLagP99Ms, delivered: lag.delivered, drainMsAfterLoad: drainMs },
      duplicateStorm: { ...STORM, requests: storm.requests, transitions: counts.transitions, duplicates: counts.duplicates, events: counts.events, delivered: stormStats.delivered, paid: counts.paid, nonOk: storm.nonOk },
      soak,
    };
    writeReport(results);
  } finally {
    await db.stop();
  }
}

await main();
