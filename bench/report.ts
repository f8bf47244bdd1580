import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface ServerFigures {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Peak RSS of the server process during the timed run. */
  rssMb: number;
  requests: number;
  nonOk: number;
  /** Orders of the timed run that ended PAID (equals the OK answers). */
  paid: number;
}

export interface BenchResults {
  date: string;
  quick: boolean;
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; postgres: string };
  config: { connections: number; poolSize: number; warmupSeconds: number; seconds: number };
  floor: ServerFigures;
  naive: ServerFigures;
  module: ServerFigures;
  ratios: { moduleOverFloor: number; moduleOverNaive: number };
  outbox: { lagP99Ms: number | null; lagP50Ms: number | null; relayLagP99Ms: number | null; delivered: number; drainMsAfterLoad: number };
  duplicateStorm: {
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
  };
  soak: { seconds: number; rate: number; rps: number; p99Ms: number; nonOk: number; rssStartMb: number; rssEndMb: number; rssPeakMb: number; rssGrowthPct: number } | null;
}

// Compiled to dist-bench/bench/report.js; results live in the source tree's bench/.
const BENCH_DIR = fileURLToPath(new URL('../../bench/', import.meta.url));
const HISTORY_ENTRIES = 10;
const ENTRY_MARK = '<!-- run -->';

const mark = (ok: boolean) => (ok ? 'met' : '**missed**');

export function markdownTable(r: BenchResults): string {
  const s = r.duplicateStorm;
  const stormOk = s.transitions === s.orders && s.events === s.orders && s.nonOk === 0;
  const rows: [string, string, string, string][] = [
    ['floor (node:http + 1 UPDATE)', `${r.floor.rps} req/s`, `p50 ${r.floor.p50Ms} ms, p99 ${r.floor.p99Ms} ms, RSS ${r.floor.rssMb} MB`, ''],
    ['naive (Nest + TypeORM findOne/save)', `${r.naive.rps} req/s`, `p50 ${r.naive.p50Ms} ms, p99 ${r.naive.p99Ms} ms, RSS ${r.naive.rssMb} MB`, ''],
    ['module (guards, ledger, outbox)', `${r.module.rps} req/s`, `p50 ${r.module.p50Ms} ms, p99 ${r.module.p99Ms} ms, RSS ${r.module.rssMb} MB`, ''],
    ['module / floor', `${r.ratios.moduleOverFloor}`, 'target ≥ 0.6', mark(r.ratios.moduleOverFloor >= 0.6)],
    ['module / naive', `${r.ratios.moduleOverNaive}`, 'target ≥ 2', mark(r.ratios.moduleOverNaive >= 2)],
    ['module p99 at 32 connections', `${r.module.p99Ms} ms`, 'target ≤ 30 ms', mark(r.module.p99Ms <= 30)],
    ['module RSS (peak)', `${r.module.rssMb} MB`, 'target ≤ 250 MB', mark(r.module.rssMb <= 250)],
    ['outbox lag p99 (listener)', `${r.outbox.lagP99Ms} ms`, `target < 1000 ms; p50 ${r.outbox.lagP50Ms} ms, ${r.outbox.delivered} events`, mark(r.outbox.lagP99Ms !== null && r.outbox.lagP99Ms < 1000)],
    [
      `duplicate storm (${s.orders} orders × ${s.copies})`,
      `${s.transitions} transitions, ${s.events} events, ${s.nonOk} non-OK`,
      `target ${s.orders} / ${s.orders} / 0; ${s.delivered} delivered to the listener`,
      mark(stormOk),
    ],
  ];
  if (r.soak) {
    rows.push([
      `soak (${r.soak.rate} req/s for ${r.soak.seconds} s)`,
      `RSS ${r.soak.rssStartMb} → ${r.soak.rssEndMb} MB (${r.soak.rssGrowthPct} %)`,
      `target growth < 10 %; p99 ${r.soak.p99Ms} ms, ${r.soak.nonOk} non-OK`,
      mark(r.soak.rssGrowthPct < 10 && r.soak.nonOk === 0),
    ]);
  }
  return ['| measure | value | detail | target |', '|---|---|---|---|', ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

function machineLine(r: BenchResults): string {
  const m = r.machine;
  return `${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, Node ${m.node}, PostgreSQL ${m.postgres} (embedded unless DATABASE_URL, fsync off); ${r.config.connections} connections, pool ${r.config.poolSize}, ${r.config.warmupSeconds} s warm-up + ${r.config.seconds} s${r.quick ? ' (--quick)' : ''}`;
}

/** Writes results/latest.json and latest.md, and puts the run on top of RESULTS.md, keeping the last few. */
export function writeReport(r: BenchResults): void {
  mkdirSync(`${BENCH_DIR}results`, { recursive: true });
  writeFileSync(`${BENCH_DIR}results/latest.json`, `${JSON.stringify(r, null, 2)}\n`);
  const table = markdownTable(r);
  writeFileSync(`${BENCH_DIR}results/latest.md`, `# Latest benchmark (${r.date})\n\n${machineLine(r)}\n\n${table}\n`);
  const historyPath = `${BENCH_DIR}RESULTS.md`;
  const previous = existsSync(historyPath) ? readFileSync(historyPath, 'utf8').split(ENTRY_MARK).slice(1, HISTORY_ENTRIES) : [];
  const entry = `\n## ${r.date}\n\n${machineLine(r)}\n\n${table}\n\n`;
  const header =
    '# Benchmark history\n\n`npm run bench` writes `results/latest.json` and `results/latest.md` and adds its run here (newest first, last ' +
    `${HISTORY_ENTRIES} kept). All three servers run in child processes against the same database, loaded by autocannon from another child process ` +
    'with a unique signed notification per request; the machine runs PostgreSQL, the server and the load generator together.\n\n';
  writeFileSync(historyPath, header + [entry, ...previous].map((e) => ENTRY_MARK + e).join(''));
  process.stdout.write(`\n${table}\n\nwritten: bench/results/latest.json, bench/results/latest.md, bench/RESULTS.md\n`);
}
