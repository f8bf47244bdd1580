import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { show } from './bench-stats.ts';
import type { Cost } from './cost-meter.ts';
import type { PacedResult } from './open-loop.ts';
import type { LoopStats } from './servers/loop-watch.ts';
import { targetRows } from './targets.ts';

export interface OutboxFigures {
  delivered: number;
  lagP50Ms: number | null;
  lagP99Ms: number | null;
  /** The module's relay's own lag measure (claim time minus event time). */
  relayLagP99Ms: number | null;
  drainMsAfterLoad: number;
}

/** One server, closed loop at `config.connections` connections, over exactly `requests` notifications. */
export interface ServerFigures extends Cost {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Peak RSS of the server process during the timed run. */
  rssMb: number;
  requests: number;
  seconds: number;
  nonOk: number;
  /** Orders of the timed run that ended PAID (equals the OK answers). */
  paid: number;
  /** Servers that write events: their delivery during the run and the drain after it. */
  outbox: OutboxFigures | null;
}

/**
 * An open-loop run at one rate, with the cost per notification measured over it (outbox drain included), and
 * for the module's servers their event-loop delay and GC pauses over the same window.
 */
export type PacedFigures = Omit<PacedResult, 'rate'> & Cost & { outboxLagP99Ms: number | null; loop: LoopStats | null };

export type PacedRate = 'r100' | 'r300';

export interface Ratios {
  moduleOverFloor: number | null;
  moduleOverNaive: number | null;
  moduleOverSameGuaranteesFloor: number | null;
}

/** Server + PostgreSQL CPU per notification, module over the reference. */
export interface CpuRatios {
  moduleOverFloor: number | null;
  moduleOverSameGuaranteesFloor: number | null;
}

export interface AdapterBlock {
  module: ServerFigures;
  ratios: Ratios;
  cpu: CpuRatios;
  outbox: OutboxFigures | null;
  paced: Partial<Record<PacedRate, PacedFigures>>;
}

/** Nest + TypeORM on each adapter with the floor's check and UPDATE: what the module on that adapter cannot go below. */
export interface FrameworkFloors {
  express: ServerFigures | null;
  fastify: ServerFigures | null;
}

export interface PassFigures {
  /** As PostgreSQL reported it for this pass. */
  durability: string;
  floor: ServerFigures | null;
  sameGuaranteesFloor: ServerFigures | null;
  naive: ServerFigures | null;
  framework: FrameworkFloors;
  express: AdapterBlock | null;
  fastify: AdapterBlock | null;
  fastestAdapter: 'express' | 'fastify' | null;
  /** The fastest adapter's. */
  ratios: Ratios | null;
  cpu: CpuRatios | null;
}

export interface StormFigures {
  adapter: string;
  orders: number;
  copies: number;
  ordersInFlight: number;
  requests: number;
  transitions: number;
  duplicates: number;
  events: number;
  delivered: number;
  paid: number;
  nonOk: number;
}

export interface SoakFigures {
  adapter: string;
  seconds: number;
  rate: number;
  rps: number;
  p99Ms: number | null;
  nonOk: number;
  rssStartMb: number;
  rssEndMb: number;
  rssPeakMb: number;
  rssGrowthPct: number;
  /** V8 heap in use after a full collection, before and after the soak: the leak measure. */
  retainedStartMb: number | null;
  retainedEndMb: number | null;
  retainedGrowthPct: number | null;
}

export interface BenchResults {
  date: string;
  quick: boolean;
  /** The flags of a partial run (--only, --no-…); null for a full run. */
  subset: string[] | null;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGb: number;
    node: string;
    postgres: string;
    clockTicksPerSecond: number;
    embedded: boolean;
    /** 1-minute load average at the start and the end: above the core count, other work shared the machine and req/s and latency mean little. */
    loadAverage: { start: number; end: number };
  };
  config: { connections: number; poolSize: number; warmupRequests: number; requests: number; pacedSeconds: number; pacedMaxSockets: number };
  /** Headline figures, at production durability (fsync and synchronous_commit on). */
  durability: string;
  floor: ServerFigures | null;
  sameGuaranteesFloor: ServerFigures | null;
  naive: ServerFigures | null;
  framework: FrameworkFloors;
  /** The module on the fastest adapter. */
  module: ServerFigures | null;
  fastestAdapter: 'express' | 'fastify' | null;
  express: AdapterBlock | null;
  fastify: AdapterBlock | null;
  ratios: Ratios | null;
  cpu: CpuRatios | null;
  outbox: OutboxFigures | null;
  paced: Record<PacedRate, { moduleP99Ms: number | null; express: PacedFigures | null; fastify: PacedFigures | null; floor: PacedFigures | null; sameGuaranteesFloor: PacedFigures | null }>;
  /** The same closed-loop runs with fsync and synchronous_commit off. */
  fsyncOff: PassFigures | null;
  duplicateStorm: StormFigures | null;
  soak: SoakFigures | null;
  /** Servers that failed to run or answered anything but 200 OK. */
  failures: { server: string; durability: string; message: string }[];
}

// Compiled to dist-bench/bench/report.js; results live in the source tree's bench/.
const BENCH_DIR = fileURLToPath(new URL('../../bench/', import.meta.url));
const HISTORY_ENTRIES = 10;
const ENTRY_MARK = '<!-- run -->';

function serverRows(p: Pick<PassFigures, 'floor' | 'sameGuaranteesFloor' | 'naive' | 'framework' | 'express' | 'fastify'>): string[] {
  const rows: [string, ServerFigures | null | undefined][] = [
    ['floor (node:http + 1 UPDATE)', p.floor],
    ['same-guarantees floor (node:http, 1 prepared settle + ledger + outbox, minimal relay)', p.sameGuaranteesFloor],
    ['naive (Nest + TypeORM findOne/save)', p.naive],
    ['framework floor on Express (Nest + TypeORM, body parser, 1 UPDATE)', p.framework?.express],
    ['framework floor on Fastify (Nest + TypeORM, body parser, 1 UPDATE)', p.framework?.fastify],
    ['module on Express', p.express?.module],
    ['module on Fastify', p.fastify?.module],
  ];
  return [
    '| server | req/s | p50 / p99 ms | RSS MB | CPU µs/notification: server / PostgreSQL / load | statements / notification | WAL bytes / notification | non-OK |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows
      .filter((r): r is [string, ServerFigures] => !!r[1])
      .map(
        ([name, f]) =>
          `| ${name} | ${f.rps} | ${f.p50Ms} / ${f.p99Ms} | ${f.rssMb} | ${f.cpu.serverUs} / ${show(f.cpu.postgresUs)} / ${f.cpu.loadUs} | ${show(f.db.statementsPerNotification)} | ${show(f.db.walBytesPerNotification)} | ${f.nonOk} |`,
      ),
  ];
}

function pacedRows(r: BenchResults): string[] {
  const names = [
    ['floor', 'floor'],
    ['sameGuaranteesFloor', 'same-guarantees floor'],
    ['express', 'module on Express'],
    ['fastify', 'module on Fastify'],
  ] as const;
  const rates = [
    ['r100', 100],
    ['r300', 300],
  ] as const;
  const rows = names.flatMap(([k, name]) =>
    rates.flatMap(([key, rate]) => {
      const f = r.paced[key][k];
      if (!f) return [];
      return [
        `| ${name} | ${rate} | ${show(f.p50Ms)} / ${show(f.p99Ms)} / ${show(f.maxMs)} | ${f.nonOk} | ${f.cpu.serverUs} / ${show(f.cpu.postgresUs)} | ` +
          `${show(f.db.statementsPerNotification)} | ${show(f.outboxLagP99Ms)} | ${show(f.loop?.delayP99Ms)} / ${show(f.loop?.gcPauseMsPerS)} | ${show(f.sendLagP99Ms)} |`,
      ];
    }),
  );
  return [
    '| server | req/s | p50 / p99 / max ms | non-OK | CPU µs/notification: server / PostgreSQL | statements / notification | outbox lag p99 ms | server event-loop delay p99 ms / GC pause ms per s | generator send lag p99 ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ];
}

function topStatements(r: BenchResults): string[] {
  const f = r.module;
  if (!f || f.db.topStatements.length === 0) return [];
  return [
    `Most frequent statements, module on ${r.fastestAdapter} (calls per notification, mean ms):`,
    '',
    ...f.db.topStatements.map((t) => `- ${t.perNotification} × ${t.meanMs} ms: \`${t.query.replace(/`/g, "'")}\``),
  ];
}

export function markdownTable(r: BenchResults): string {
  const parts = r.failures.length ? ['**Failures:**', '', ...r.failures.map((f) => `- ${f.server} (${f.durability}): ${f.message}`), ''] : [];
  parts.push(
    `Closed loop, ${r.config.connections} connections, exactly ${r.config.requests} notifications per server after ${r.config.warmupRequests} of warm-up; PostgreSQL ${r.durability}:`,
    '',
    ...serverRows(r),
    '',
  );
  if (r.fsyncOff) parts.push(`The same with PostgreSQL ${r.fsyncOff.durability}:`, '', ...serverRows(r.fsyncOff), '');
  const paced = pacedRows(r);
  if (paced.length > 2) parts.push(`Open loop, paced ${r.config.pacedSeconds} s per rate, latency from each request's scheduled send time:`, '', ...paced, '');
  parts.push('Targets (issue 22; ratios to the floors of this run, fsync on):', '', ...targetRows(r), '');
  const top = topStatements(r);
  if (top.length) parts.push(...top, '');
  return parts.join('\n').trimEnd();
}

function machineLine(r: BenchResults): string {
  const m = r.machine;
  return (
    `${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, Node ${m.node}, PostgreSQL ${m.postgres} (${m.embedded ? 'embedded, pg_stat_statements' : 'DATABASE_URL: no PostgreSQL CPU'}); ` +
    `load average ${m.loadAverage.start} → ${m.loadAverage.end}; pool ${r.config.poolSize}${r.quick ? ' (--quick)' : ''}${r.subset ? ` (subset: ${r.subset.join(' ')})` : ''}`
  );
}

const METHOD =
  'Each server runs in a child process against the same PostgreSQL; a separate load-generator process sends a unique signed notification per request. ' +
  'Closed loop: autocannon sends exactly the configured count; req/s is that count over the wall time. CPU per notification is utime+stime from ' +
  '/proc/<pid>/stat before and after the count (server process; every process of the bench\'s own PostgreSQL, reaped backends included; the load ' +
  'generator), and for servers that write events it includes draining the outbox. Statements per notification come from pg_stat_statements ' +
  '(BEGIN/COMMIT/LISTEN included, the bench\'s own queries excluded), WAL bytes from pg_current_wal_insert_lsn. Each server starts after a CHECKPOINT. ' +
  'Paced runs are open loop: request i is due at t0 + i/rate and its latency counts from that time, so queueing counts; the module servers ' +
  'also report their event-loop delay p99 and GC pause per second over each paced window, measured in their own process. Headline figures use ' +
  'fsync and synchronous_commit on; the fsync-off pass repeats the closed loop. CPU figures hold on a busy machine; req/s and latency do not. ' +
  'Targets (issue 22) are ratios to the floors of the same run, judged on the headline pass.';

/** Writes results/latest.json and latest.md and puts the run on top of RESULTS.md; a subset run writes results/partial.* only. */
export function writeReport(r: BenchResults): void {
  mkdirSync(`${BENCH_DIR}results`, { recursive: true });
  const name = r.subset ? 'partial' : 'latest';
  writeFileSync(`${BENCH_DIR}results/${name}.json`, `${JSON.stringify(r, null, 2)}\n`);
  const table = markdownTable(r);
  writeFileSync(`${BENCH_DIR}results/${name}.md`, `# ${r.subset ? 'Partial' : 'Latest'} benchmark (${r.date})\n\n${machineLine(r)}\n\n${table}\n`);
  const written = [`bench/results/${name}.json`, `bench/results/${name}.md`];
  if (!r.subset) {
    const historyPath = `${BENCH_DIR}RESULTS.md`;
    const text = existsSync(historyPath) ? readFileSync(historyPath, 'utf8') : '';
    // Everything above the first run is the page's own text (method, what each change bought): kept as written.
    const [kept, ...runs] = text.split(ENTRY_MARK);
    const header = text ? kept : `# Benchmark history\n\n${METHOD}\n\n`;
    const entry = `\n## ${r.date}\n\n${machineLine(r)}\n\n${table}\n\n`;
    writeFileSync(historyPath, header + [entry, ...runs.slice(0, HISTORY_ENTRIES - 1)].map((e) => ENTRY_MARK + e).join(''));
    written.push('bench/RESULTS.md');
  }
  process.stdout.write(`\n${table}\n\nwritten: ${written.join(', ')}\n`);
}
