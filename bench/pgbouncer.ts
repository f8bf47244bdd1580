import { performance } from 'node:perf_hooks';
import { BaofooDatabase } from '../src/baofoo/database/baofoo-database.ts';
import { startPgbouncerFor, type Pgbouncer } from '../src/infra/pgbouncer.ts';
import { startBenchDatabase, type BenchDatabase } from './bench-database.ts';
import { mean, percentile, round } from './bench-stats.ts';
import { paidCount, waitForOutboxDrained } from './bench-waits.ts';
import { runWorker, startServer } from './child-process.ts';
import { startCostMeter } from './cost-meter.ts';
import { closedLoopOrders, type ClosedResult, type LoadJob } from './load-jobs.ts';
import { clockTicksPerSecond, processTicks } from './proc-cpu.ts';

/*
 * `tsc -p tsconfig.bench.json && node dist-bench/bench/pgbouncer.js [--requests N]`:
 * what transaction pooling costs. The module (Fastify) on the bench's
 * PostgreSQL directly, then through PgBouncer 1.18 in transaction mode
 * (unnamed statements, SET LOCAL timeouts, LISTEN on the direct URL): the
 * same closed loop, with statements and CPU per notification (PgBouncer's
 * own CPU counted too). Then the round trip of one autocommit query() and of
 * one transaction() of one statement, sequentially, each way.
 */

const args = process.argv.slice(2);
const REQUESTS = args.includes('--requests') ? Number(args[args.indexOf('--requests') + 1]) : 5000;
const WARMUP = 1000;
const CONNECTIONS = 32;
const POOL_SIZE = 16;
const ROUND_TRIPS = 2000;

const log = (line: string) => process.stdout.write(`[bench pgbouncer] ${line}\n`);
const usPerTick = () => 1e6 / clockTicksPerSecond();

async function closedLoop(db: BenchDatabase, label: string, letter: string, url: string, bouncer: Pgbouncer | null): Promise<void> {
  await db.reset();
  await db.seed(`${letter}W`, closedLoopOrders(WARMUP, CONNECTIONS));
  await db.seed(`${letter}M`, closedLoopOrders(REQUESTS, CONNECTIONS));
  const server = await startServer('./servers/module-server.js', { DATABASE_URL: url, POOL_SIZE: String(POOL_SIZE), ADAPTER: 'fastify', LISTEN_URL: bouncer ? db.url : '' });
  try {
    const target = `${server.url}/baofoo/notify`;
    await runWorker<ClosedResult>({ mode: 'closed', url: target, prefix: `${letter}W`, requests: WARMUP, connections: CONNECTIONS } satisfies LoadJob);
    await waitForOutboxDrained(db, 60_000);
    const meter = await startCostMeter(db, server.pid);
    const bouncerBefore = bouncer ? processTicks(bouncer.pid) : 0;
    const r = await runWorker<ClosedResult>({ mode: 'closed', url: target, prefix: `${letter}M`, requests: REQUESTS, connections: CONNECTIONS } satisfies LoadJob);
    await waitForOutboxDrained(db, 120_000);
    const bouncerUs = bouncer ? round(((processTicks(bouncer.pid) - bouncerBefore) * usPerTick()) / r.requests, 0) : 0;
    const cost = await meter.finish(r.requests, r.cpuTicks);
    const paid = await paidCount(db, `${letter}M`);
    log(
      `${label}: ${round(r.rps, 0)} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, non-OK ${r.nonOk}, paid ${paid}/${r.requests}; CPU µs/notification ` +
        `server ${cost.cpu.serverUs} PostgreSQL ${cost.cpu.postgresUs ?? '—'} PgBouncer ${bouncerUs}; ${cost.db.statementsPerNotification} statements/notification`,
    );
    for (const s of cost.db.topStatements) log(`  ${s.perNotification} × ${s.query}`);
  } finally {
    await server.stop();
  }
}

/** Mean and p99 of sequential round trips, in µs. */
async function roundTrips(label: string, url: string): Promise<void> {
  const db = new BaofooDatabase(() => ({ connectionString: url }), { poolSize: 1, statementTimeoutMs: 5000, connectTimeoutMs: 5000, answerWithinMs: 10_000 });
  try {
    for (const [kind, run] of [
      ['query()', () => db.query('SELECT 1')],
      ['transaction() of one statement', () => db.transaction((tx) => tx.query('SELECT 1'))],
    ] as const) {
      for (let i = 0; i < 200; i += 1) await run();
      const times: number[] = [];
      for (let i = 0; i < ROUND_TRIPS; i += 1) {
        const started = performance.now();
        await run();
        times.push((performance.now() - started) * 1000);
      }
      log(`${label} ${kind}: mean ${round(mean(times), 0)} µs, p99 ${round(percentile(times, 99), 0)} µs over ${ROUND_TRIPS}`);
    }
  } finally {
    await db.end();
  }
}

const db = await startBenchDatabase();
const bouncer = await startPgbouncerFor(db.url, 'transaction', 20);
const pooled = bouncer.url(new URL(db.url).pathname.slice(1));
try {
  log(`durability: ${await db.setDurability('on')}`);
  await closedLoop(db, 'direct', 'D', db.url, null);
  await closedLoop(db, 'PgBouncer transaction mode', 'P', pooled, bouncer);
  await roundTrips('direct', db.url);
  await roundTrips('PgBouncer transaction mode', pooled);
} finally {
  await bouncer.stop();
  await db.stop();
}
