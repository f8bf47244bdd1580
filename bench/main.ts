import { cpus, loadavg, totalmem } from 'node:os';
import { ADMIN_MARK, startBenchDatabase, type BenchDatabase, type Durability } from './bench-database.ts';
import { BENCH_ORDER_MONEY } from './bench-signing.ts';
import { paidCount, waitForOutboxDrained } from './bench-waits.ts';
import { mean, percentile, ratio, round } from './bench-stats.ts';
import { runWorker, startServer, type ServerHandle, type ServerStats } from './child-process.ts';
import { startCostMeter } from './cost-meter.ts';
import { closedLoopOrders, type ClosedResult, type LoadJob, type PacedLoadResult, type StormResult } from './load-jobs.ts';
import { clockTicksPerSecond } from './proc-cpu.ts';
import {
  writeReport,
  type AdapterBlock,
  type BenchResults,
  type OutboxFigures,
  type PacedFigures,
  type PacedRate,
  type PassFigures,
  type ServerFigures,
  type SoakFigures,
  type StormFigures,
} from './report.ts';

/*
 * `npm run bench`: the floor, the same-guarantees floor, the naive handler,
 * the framework floors (Nest + TypeORM alone on each adapter) and the module
 * on Express and on Fastify, each in its own process on one
 * PostgreSQL, loaded from another process. First at production durability
 * (closed loop, then open loop at 100 and 300 req/s), then the closed loop
 * again with fsync off; then the duplicate storm and the soak against the
 * module on the faster adapter.
 *
 * Flags: --quick (short runs, for trying the bench itself); --only a,b (servers:
 * floor, sgfloor, naive, nest-express, nest-fastify, express, fastify); --no-paced, --no-fsync-off,
 * --no-storm, --no-soak; --requests N (closed-loop count); --cpu-prof
 * (profiles module servers into bench/results/profiles). A run with any
 * subset flag writes results/partial.* and leaves latest.* and RESULTS.md alone.
 */

const SERVER_NAMES = ['floor', 'sgfloor', 'naive', 'nest-express', 'nest-fastify', 'express', 'fastify'] as const;
type ServerName = (typeof SERVER_NAMES)[number];
const SUBSET_FLAGS = ['--only', '--no-paced', '--no-fsync-off', '--no-storm', '--no-soak', '--requests'];

function parseArgs(argv: string[]) {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split('=', 2);
    const takesValue = name === '--only' || name === '--requests';
    flags.set(name, inline ?? (takesValue ? (argv[++i] ?? '') : true));
  }
  const known = new Set([...SUBSET_FLAGS, '--quick', '--cpu-prof']);
  for (const name of flags.keys()) if (!known.has(name)) throw new Error(`unknown flag ${name}; known: ${[...known].join(' ')}`);
  const only = flags.has('--only') ? String(flags.get('--only')).split(',').filter(Boolean) : [...SERVER_NAMES];
  for (const n of only) if (!SERVER_NAMES.includes(n as ServerName)) throw new Error(`--only ${n}: servers are ${SERVER_NAMES.join(', ')}`);
  if (flags.has('--requests') && !/^[1-9][0-9]*$/.test(String(flags.get('--requests')))) throw new Error('--requests takes a positive whole number');
  const subset = [...flags.keys()].filter((f) => SUBSET_FLAGS.includes(f));
  return { flags, only: new Set(only as ServerName[]), subset: subset.length ? subset.map((f) => (flags.get(f) === true ? f : `${f}=${flags.get(f)}`)) : null };
}

const { flags, only, subset } = parseArgs(process.argv.slice(2));
const QUICK = flags.has('--quick');
const CONNECTIONS = 32;
const POOL_SIZE = 16;
const WARMUP_REQUESTS = QUICK ? 500 : 2000;
const REQUESTS = flags.has('--requests') ? Number(flags.get('--requests')) : QUICK ? 3000 : 10_000;
const PACED = { seconds: QUICK ? 3 : 10, rates: { r100: 100, r300: 300 } as Record<PacedRate, number>, maxSockets: 64 };
const PACED_SERVERS: ReadonlySet<ServerName> = new Set(['floor', 'sgfloor', 'express', 'fastify']);
const SOAK = { seconds: QUICK ? 15 : 60, warmupSeconds: 5, rate: 300 };
const STORM = { orders: QUICK ? 300 : 1000, copies: 20, ordersInFlight: 4 };

interface ServerSpec {
  script: string;
  path: string;
  letter: string;
  env?: Record<string, string>;
  /** Writes outbox events that a relay delivers. */
  outbox: boolean;
}

const SERVERS: Record<ServerName, ServerSpec> = {
  floor: { script: './servers/floor-server.js', path: '/', letter: 'F', outbox: false },
  sgfloor: { script: './servers/same-guarantees-floor-server.js', path: '/', letter: 'G', outbox: true },
  naive: { script: './servers/naive-server.js', path: '/notify', letter: 'N', outbox: false },
  'nest-express': { script: './servers/framework-floor-server.js', path: '/baofoo/notify', letter: 'X', env: { ADAPTER: 'express' }, outbox: false },
  'nest-fastify': { script: './servers/framework-floor-server.js', path: '/baofoo/notify', letter: 'Y', env: { ADAPTER: 'fastify' }, outbox: false },
  express: { script: './servers/module-server.js', path: '/baofoo/notify', letter: 'E', env: { ADAPTER: 'express' }, outbox: true },
  fastify: { script: './servers/module-server.js', path: '/baofoo/notify', letter: 'Z', env: { ADAPTER: 'fastify' }, outbox: true },
};

const log = (line: string) => process.stdout.write(`[bench] ${line}\n`);

/** What servers with an outbox report: deliveries to their listener since the previous call. */
interface Deliveries {
  delivered: number;
  lagsMs: number[];
  relayWindowLagP99Ms?: number | null;
}

function deliveries(s: ServerStats): Deliveries {
  const extra = s.extra as Partial<Deliveries>;
  return { delivered: extra.delivered ?? 0, lagsMs: extra.lagsMs ?? [], relayWindowLagP99Ms: extra.relayWindowLagP99Ms ?? null };
}

function outboxFigures(d: Deliveries, drainMs: number): OutboxFigures {
  return {
    delivered: d.delivered,
    lagP50Ms: percentile(d.lagsMs, 50),
    lagP99Ms: percentile(d.lagsMs, 99),
    relayLagP99Ms: round(d.relayWindowLagP99Ms ?? null, 1),
    drainMsAfterLoad: drainMs,
  };
}

async function launch(db: BenchDatabase, name: ServerName): Promise<ServerHandle> {
  const s = SERVERS[name];
  const profile = (name === 'express' || name === 'fastify') && flags.has('--cpu-prof');
  // --expose-gc only lets the soak ask for a full collection outside its measured window.
  // BENCH_SERVER_NODE_ARGS (e.g. "--trace-gc") goes to every server under test, for looking into one.
  const extra = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const execArgv = ['--expose-gc', ...(profile ? ['--cpu-prof', '--cpu-prof-dir=bench/results/profiles'] : []), ...extra];
  return startServer(s.script, { DATABASE_URL: db.url, POOL_SIZE: String(POOL_SIZE), ...s.env }, execArgv);
}

interface ServerRun {
  figures: ServerFigures;
  paced: Partial<Record<PacedRate, PacedFigures>>;
}

const pacedRequests = (rate: number) => rate * PACED.seconds;

/** One server from a clean database: warm-up, the measured closed loop, then (optionally) the paced rates. */
async function measureServer(db: BenchDatabase, name: ServerName, withPaced: boolean): Promise<ServerRun> {
  const spec = SERVERS[name];
  const warm = `${spec.letter}W`;
  const timed = `${spec.letter}M`;
  await db.reset();
  await db.seed(warm, closedLoopOrders(WARMUP_REQUESTS, CONNECTIONS));
  await db.seed(timed, closedLoopOrders(REQUESTS, CONNECTIONS));
  const rates = withPaced && PACED_SERVERS.has(name) ? (Object.entries(PACED.rates) as [PacedRate, number][]) : [];
  for (const [key, rate] of rates) await db.seed(`${spec.letter}${key}`, pacedRequests(rate));
  const server = await launch(db, name);
  try {
    const url = `${server.url}${spec.path}`;
    await runWorker<ClosedResult>({ mode: 'closed', url, prefix: warm, requests: WARMUP_REQUESTS, connections: CONNECTIONS } satisfies LoadJob);
    if (spec.outbox) await waitForOutboxDrained(db, 60_000);
    await server.stats(); // drops the warm-up's deliveries
    server.mark();
    const meter = await startCostMeter(db, server.pid);
    const r = await runWorker<ClosedResult>({ mode: 'closed', url, prefix: timed, requests: REQUESTS, connections: CONNECTIONS } satisfies LoadJob);
    const drainMs = spec.outbox ? await waitForOutboxDrained(db, 120_000) : 0;
    const cost = await meter.finish(r.requests, r.cpuTicks);
    const s = await server.stats();
    const d = deliveries(s);
    const paid = await paidCount(db, timed);
    const figures: ServerFigures = {
      rps: round(r.rps, 0)!,
      p50Ms: r.p50Ms,
      p99Ms: r.p99Ms,
      rssMb: round(s.rss.peakMb, 0)!,
      requests: r.requests,
      seconds: round(r.seconds, 2)!,
      nonOk: r.nonOk,
      paid,
      ...cost,
      outbox: spec.outbox ? outboxFigures(d, drainMs) : null,
    };
    log(
      `${name}: ${figures.rps} req/s, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, RSS ${figures.rssMb} MB, non-OK ${r.nonOk}, paid ${paid}/${r.requests}; ` +
        `CPU µs/notification server ${cost.cpu.serverUs} PostgreSQL ${cost.cpu.postgresUs ?? '—'} load ${cost.cpu.loadUs}; ` +
        `${cost.db.statementsPerNotification ?? '—'} statements, ${cost.db.walBytesPerNotification ?? '—'} WAL bytes per notification` +
        (figures.outbox ? `; outbox lag p99 ${figures.outbox.lagP99Ms} ms, ${figures.outbox.delivered} delivered` : ''),
    );
    const paced: ServerRun['paced'] = {};
    for (const [key, rate] of rates) {
      // Every server's closed loop leaves dead rows whose autovacuum would otherwise land in some paced window and not another.
      await db.vacuum();
      const autovacuumsBefore = await db.autovacuumRuns();
      // At a steady rate the relay cannot batch as it does at saturation: its cost per notification shows here.
      const pacedMeter = await startCostMeter(db, server.pid);
      server.mark();
      const p = await runWorker<PacedLoadResult>({ mode: 'paced', url, prefix: `${spec.letter}${key}`, requests: pacedRequests(rate), rate, maxSockets: PACED.maxSockets } satisfies LoadJob);
      if (spec.outbox) await waitForOutboxDrained(db, 60_000);
      const { cpuTicks, rate: _rate, ...latency } = p;
      const pacedCost = await pacedMeter.finish(p.requests, cpuTicks);
      const window = await server.stats();
      const autovacuums = (await db.autovacuumRuns()) - autovacuumsBefore;
      const lag = spec.outbox ? percentile(deliveries(window).lagsMs, 99) : null;
      paced[key] = { ...latency, ...pacedCost, outboxLagP99Ms: lag, loop: window.loop };
      log(
        `${name} paced ${rate} req/s: p50 ${p.p50Ms} ms, p99 ${p.p99Ms} ms, max ${p.maxMs} ms, achieved ${p.achievedRps} req/s, non-OK ${p.nonOk}, send lag p99 ${p.sendLagP99Ms} ms; ` +
          `CPU µs/notification server ${pacedCost.cpu.serverUs} PostgreSQL ${pacedCost.cpu.postgresUs ?? '—'}; ${pacedCost.db.statementsPerNotification ?? '—'} statements` +
          (lag === null ? '' : `; outbox lag p99 ${lag} ms`) +
          `; ${autovacuums} autovacuum/autoanalyze runs` +
          (window.loop ? `; event-loop delay p99 ${window.loop.delayP99Ms ?? '—'} ms, GC ${window.loop.gcPauseMsPerS ?? '—'} ms/s` : ''),
      );
    }
    return { figures, paced };
  } finally {
    await server.stop();
  }
}

function adapterBlock(runs: Partial<Record<ServerName, ServerRun>>, name: 'express' | 'fastify'): AdapterBlock | null {
  const m = runs[name];
  if (!m) return null;
  const f = m.figures;
  return {
    module: f,
    ratios: {
      moduleOverFloor: ratio(f.rps, runs.floor?.figures.rps),
      moduleOverNaive: ratio(f.rps, runs.naive?.figures.rps),
      moduleOverSameGuaranteesFloor: ratio(f.rps, runs.sgfloor?.figures.rps),
    },
    cpu: {
      moduleOverFloor: ratio(f.cpu.serverPlusPostgresUs, runs.floor?.figures.cpu.serverPlusPostgresUs),
      moduleOverSameGuaranteesFloor: ratio(f.cpu.serverPlusPostgresUs, runs.sgfloor?.figures.cpu.serverPlusPostgresUs),
    },
    outbox: f.outbox,
    paced: m.paced,
  };
}

function passFigures(durability: string, runs: Partial<Record<ServerName, ServerRun>>): PassFigures {
  const express = adapterBlock(runs, 'express');
  const fastify = adapterBlock(runs, 'fastify');
  const fastestAdapter = express && fastify ? (fastify.module.rps >= express.module.rps ? 'fastify' : 'express') : express ? 'express' : fastify ? 'fastify' : null;
  const fastest = fastestAdapter === 'express' ? express : fastestAdapter === 'fastify' ? fastify : null;
  return {
    durability,
    floor: runs.floor?.figures ?? null,
    sameGuaranteesFloor: runs.sgfloor?.figures ?? null,
    naive: runs.naive?.figures ?? null,
    framework: { express: runs['nest-express']?.figures ?? null, fastify: runs['nest-fastify']?.figures ?? null },
    express,
    fastify,
    fastestAdapter,
    ratios: fastest?.ratios ?? null,
    cpu: fastest?.cpu ?? null,
  };
}

/** Servers that could not be measured; the run goes on with the others, and the report lists these. */
const failures: BenchResults['failures'] = [];

async function runPass(db: BenchDatabase, d: Durability, withPaced: boolean): Promise<{ pass: PassFigures; runs: Partial<Record<ServerName, ServerRun>> }> {
  const durability = await db.setDurability(d);
  log(`PostgreSQL ${durability}`);
  const runs: Partial<Record<ServerName, ServerRun>> = {};
  for (const name of SERVER_NAMES) {
    if (!only.has(name)) continue;
    try {
      runs[name] = await measureServer(db, name, withPaced);
      const f = runs[name].figures;
      if (f.nonOk > 0) failures.push({ server: name, durability, message: `${f.nonOk} of ${f.requests} answers were not 200 OK` });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      log(`${name}: FAILED, ${message}`);
      failures.push({ server: name, durability, message });
    }
  }
  return { pass: passFigures(durability, runs), runs };
}

async function duplicateStorm(db: BenchDatabase, server: ServerHandle, adapter: ServerName): Promise<StormFigures> {
  await db.reset();
  await db.seed('SD', STORM.orders);
  await server.stats();
  const storm = await runWorker<StormResult>({ mode: 'storm', url: `${server.url}${SERVERS[adapter].path}`, prefix: 'SD', ...STORM } satisfies LoadJob);
  await waitForOutboxDrained(db, 60_000);
  const d = deliveries(await server.stats());
  const counts = (
    await db.admin.query(
      `${ADMIN_MARK} SELECT (SELECT count(*) FROM baofoo_notification_ledger WHERE trans_id LIKE 'SD%' AND verdict = 'applied')::int AS transitions,
              (SELECT count(*) FROM baofoo_notification_ledger WHERE trans_id LIKE 'SD%' AND verdict = 'duplicate')::int AS duplicates,
              (SELECT count(*) FROM baofoo_outbox WHERE trans_id LIKE 'SD%')::int AS events,
              (SELECT count(*) FROM baofoo_payment_orders WHERE trans_id LIKE 'SD%' AND status = 'PAID' AND version = 2 AND fact_money = $1)::int AS paid`,
      [BENCH_ORDER_MONEY],
    )
  ).rows[0] as { transitions: number; duplicates: number; events: number; paid: number };
  log(`storm (${adapter}): ${storm.requests} requests in ${storm.seconds.toFixed(1)} s, transitions ${counts.transitions}, events ${counts.events}, delivered ${d.delivered}, non-OK ${storm.nonOk}`);
  return { adapter, ...STORM, requests: storm.requests, ...counts, delivered: d.delivered, nonOk: storm.nonOk };
}

async function soak(db: BenchDatabase, server: ServerHandle, adapter: ServerName): Promise<SoakFigures> {
  await db.reset();
  const warmRequests = SOAK.rate * SOAK.warmupSeconds;
  const requests = SOAK.rate * SOAK.seconds;
  await db.seed('KW', warmRequests);
  await db.seed('KM', requests);
  const url = `${server.url}${SERVERS[adapter].path}`;
  await runWorker<PacedLoadResult>({ mode: 'paced', url, prefix: 'KW', requests: warmRequests, rate: SOAK.rate, maxSockets: PACED.maxSockets } satisfies LoadJob);
  const retainedStartMb = (await server.stats({ retained: true })).rss.retainedMb;
  server.mark();
  const r = await runWorker<PacedLoadResult>({ mode: 'paced', url, prefix: 'KM', requests, rate: SOAK.rate, maxSockets: PACED.maxSockets } satisfies LoadJob);
  const { rss } = await server.stats({ retained: true });
  const retainedEndMb = rss.retainedMb;
  const window = Math.round(10_000 / rss.intervalMs);
  const startMb = mean(rss.samplesMb.slice(0, window));
  const endMb = mean(rss.samplesMb.slice(-window));
  const figures: SoakFigures = {
    adapter,
    seconds: SOAK.seconds,
    rate: SOAK.rate,
    rps: r.achievedRps,
    p99Ms: r.p99Ms,
    nonOk: r.nonOk,
    rssStartMb: round(startMb, 1)!,
    rssEndMb: round(endMb, 1)!,
    rssPeakMb: round(rss.peakMb, 1)!,
    rssGrowthPct: round(((endMb - startMb) / startMb) * 100, 1)!,
    retainedStartMb: round(retainedStartMb, 1),
    retainedEndMb: round(retainedEndMb, 1),
    retainedGrowthPct: retainedStartMb && retainedEndMb ? round(((retainedEndMb - retainedStartMb) / retainedStartMb) * 100, 1) : null,
  };
  log(`soak (${adapter}): ${figures.rps} req/s for ${SOAK.seconds} s, RSS ${figures.rssStartMb} → ${figures.rssEndMb} MB (${figures.rssGrowthPct} %), heap retained after a full collection ${figures.retainedStartMb} → ${figures.retainedEndMb} MB (${figures.retainedGrowthPct} %), p99 ${r.p99Ms} ms, non-OK ${r.nonOk}`);
  return figures;
}

function pacedOf(runs: Partial<Record<ServerName, ServerRun>>, fastest: 'express' | 'fastify' | null): BenchResults['paced'] {
  const at = (key: PacedRate) => ({
    moduleP99Ms: fastest ? (runs[fastest]?.paced[key]?.p99Ms ?? null) : null,
    express: runs.express?.paced[key] ?? null,
    fastify: runs.fastify?.paced[key] ?? null,
    floor: runs.floor?.paced[key] ?? null,
    sameGuaranteesFloor: runs.sgfloor?.paced[key] ?? null,
  });
  return { r100: at('r100'), r300: at('r300') };
}

async function main(): Promise<void> {
  const loadAtStart = round(loadavg()[0], 1)!;
  const db = await startBenchDatabase();
  const version = (await db.admin.query(`${ADMIN_MARK} SHOW server_version`)).rows[0].server_version as string;
  log(
    `PostgreSQL ${version}${db.embedded ? ' (embedded)' : ' (DATABASE_URL: its CPU is not measured)'}${db.statements ? ', pg_stat_statements' : ', no pg_stat_statements: transactions from pg_stat_database instead'}; ` +
      `${cpus().length} cores; ${CONNECTIONS} connections; ${WARMUP_REQUESTS} warm-up + ${REQUESTS} measured requests per server; servers: ${[...only].join(', ')}`,
  );
  try {
    const headline = await runPass(db, 'on', !flags.has('--no-paced'));
    // An external PostgreSQL keeps its own settings: a second pass would only repeat the first.
    const fsyncOff = flags.has('--no-fsync-off') || !db.embedded ? null : (await runPass(db, 'off', false)).pass;
    const fastest = headline.pass.fastestAdapter;

    let storm: StormFigures | null = null;
    let soakFigures: SoakFigures | null = null;
    if (fastest && !(flags.has('--no-storm') && flags.has('--no-soak'))) {
      const durability = await db.setDurability('on');
      const server = await launch(db, fastest);
      const attempt = async <T>(what: string, run: () => Promise<T>): Promise<T | null> =>
        run().catch((e: unknown) => {
          const message = `${what}: ${e instanceof Error ? e.message : String(e)}`;
          log(`${fastest}: FAILED, ${message}`);
          failures.push({ server: fastest, durability, message });
          return null;
        });
      try {
        if (!flags.has('--no-storm')) storm = await attempt('duplicate storm', () => duplicateStorm(db, server, fastest));
        if (!flags.has('--no-soak')) soakFigures = await attempt('soak', () => soak(db, server, fastest));
      } finally {
        await server.stop();
      }
    }

    const h = headline.pass;
    const fastestBlock = fastest === 'express' ? h.express : fastest === 'fastify' ? h.fastify : null;
    const results: BenchResults = {
      date: new Date().toISOString(),
      quick: QUICK,
      subset,
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        memoryGb: Math.round(totalmem() / 1024 ** 3),
        node: process.version,
        postgres: version,
        clockTicksPerSecond: clockTicksPerSecond(),
        embedded: db.embedded,
        loadAverage: { start: loadAtStart, end: round(loadavg()[0], 1)! },
      },
      config: { connections: CONNECTIONS, poolSize: POOL_SIZE, warmupRequests: WARMUP_REQUESTS, requests: REQUESTS, pacedSeconds: PACED.seconds, pacedMaxSockets: PACED.maxSockets },
      durability: h.durability,
      floor: h.floor,
      sameGuaranteesFloor: h.sameGuaranteesFloor,
      naive: h.naive,
      framework: h.framework,
      module: fastestBlock?.module ?? null,
      fastestAdapter: fastest,
      express: h.express,
      fastify: h.fastify,
      ratios: h.ratios,
      cpu: h.cpu,
      outbox: fastestBlock?.outbox ?? null,
      paced: pacedOf(headline.runs, fastest),
      fsyncOff,
      duplicateStorm: storm,
      soak: soakFigures,
      failures,
    };
    writeReport(results);
  } finally {
    await db.stop();
  }
}

await main();
