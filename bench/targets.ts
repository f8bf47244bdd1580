import { ratio, show } from './bench-stats.ts';
import type { BenchResults, PacedRate } from './report.ts';

/**
 * Issue 22's targets. Each is a ratio to a floor measured in the same run, so a
 * busy machine moves both sides; the statement count and the RSS, lag and soak
 * limits are absolute. Headline pass (fsync on).
 */
export const TARGETS = {
  moduleOverFloorRps: 0.8,
  expressOverFloorRps: 0.6,
  adapterOverNaiveRps: 3,
  p99OverFloor: 1.5,
  pacedR300P99OverFloor: 2,
  pacedR100P99OverFloor: 1.5,
  walOverSameGuaranteesFloor: 1.2,
  pacedR100Statements: 1.5,
  cpuOverFloor: 1.3,
  rssMb: 200,
  outboxLagP99Ms: 250,
  soakGrowthPct: 10,
} as const;

type Row = [target: string, value: string, goal: string, verdict: string];

/** A figure and what to call it when a subset run did not measure it. */
interface Figure {
  value: number | null | undefined;
  of: string;
}

interface Goal {
  op: '≥' | '≤' | '<';
  limit: number;
}

const at = (op: Goal['op'], limit: number): Goal => ({ op, limit });

function meets(v: number, g: Goal): boolean {
  return g.op === '≥' ? v >= g.limit : g.op === '≤' ? v <= g.limit : v < g.limit;
}

const judged = (v: number, g: Goal) => (meets(v, g) ? 'met' : '**missed**');

function notMeasured(figures: Figure[]): string {
  const missing = figures.filter((f) => f.value == null).map((f) => f.of);
  return missing.length ? `not measured (${missing.join(', ')})` : `not measured (${figures[1].of} is 0)`;
}

function ratioRow(target: string, num: Figure, den: Figure, goal: Goal, unit: string): Row {
  const r = ratio(num.value, den.value);
  const wanted = `${goal.op} ${goal.limit}×`;
  if (r === null) return [target, '—', wanted, notMeasured([num, den])];
  return [target, `${r} (${num.value} / ${den.value}${unit})`, wanted, judged(r, goal)];
}

function absoluteRow(target: string, f: Figure, goal: Goal, unit: string): Row {
  const wanted = `${goal.op} ${goal.limit}${unit}`;
  if (f.value == null) return [target, '—', wanted, notMeasured([f])];
  return [target, `${f.value}${unit}`, wanted, judged(f.value, goal)];
}

const ADAPTER = { express: 'Express', fastify: 'Fastify' } as const;

/**
 * Adds what the framework floor on the same adapter scores against the same goal: a target the framework
 * alone misses cannot be met by any module on that framework.
 */
function besideFramework(row: Row, framework: number | null, goal: Goal, unit: string): Row {
  if (framework === null) return row;
  const [target, value, wanted, verdict] = row;
  const bound = verdict === '**missed**' && !meets(framework, goal) ? ' (so does the framework floor alone)' : '';
  return [target, `${value}; framework floor ${framework}${unit}`, wanted, verdict + bound];
}

export function targetRows(r: BenchResults): string[] {
  const fastest = r.fastestAdapter;
  const moduleName = fastest ? `module on ${ADAPTER[fastest]}` : 'module';
  const noModule = 'module';
  const m: Figure = { value: r.module?.rps, of: noModule };
  const paced = (key: PacedRate) => (fastest ? r.paced[key][fastest] : null);
  const pacedP99 = (key: PacedRate, rate: number): [Figure, Figure] => [
    { value: paced(key)?.p99Ms, of: `${moduleName} paced ${rate} req/s` },
    { value: r.paced[key].floor?.p99Ms, of: `floor paced ${rate} req/s` },
  ];
  const floorRps: Figure = { value: r.floor?.rps, of: 'floor' };
  const s = r.duplicateStorm;
  const rows: Row[] = [
    ratioRow(`${moduleName} (fastest adapter) / floor, req/s`, m, floorRps, at('≥', TARGETS.moduleOverFloorRps), ' req/s'),
    besideFramework(
      ratioRow('module on Express / floor, req/s', { value: r.express?.module.rps, of: 'module on Express' }, floorRps, at('≥', TARGETS.expressOverFloorRps), ' req/s'),
      ratio(r.framework?.express?.rps, r.floor?.rps),
      at('≥', TARGETS.expressOverFloorRps),
      '×',
    ),
    ...(['express', 'fastify'] as const).map((a) =>
      besideFramework(
        ratioRow(`module on ${ADAPTER[a]} / naive, req/s`, { value: r[a]?.module.rps, of: `module on ${ADAPTER[a]}` }, { value: r.naive?.rps, of: 'naive' }, at('≥', TARGETS.adapterOverNaiveRps), ' req/s'),
        ratio(r.framework?.[a]?.rps, r.naive?.rps),
        at('≥', TARGETS.adapterOverNaiveRps),
        '×',
      ),
    ),
    ratioRow(
      `${moduleName} p99 / floor's, ${r.config.connections} connections`,
      { value: r.module?.p99Ms, of: noModule },
      { value: r.floor?.p99Ms, of: 'floor' },
      at('≤', TARGETS.p99OverFloor),
      ' ms',
    ),
    ratioRow(`${moduleName} p99 / floor's, paced 300 req/s`, ...pacedP99('r300', 300), at('≤', TARGETS.pacedR300P99OverFloor), ' ms'),
    ratioRow(`${moduleName} p99 / floor's, paced 100 req/s`, ...pacedP99('r100', 100), at('≤', TARGETS.pacedR100P99OverFloor), ' ms'),
    ratioRow(
      `${moduleName} WAL bytes / same-guarantees floor's, per notification`,
      { value: r.module?.db.walBytesPerNotification, of: noModule },
      { value: r.sameGuaranteesFloor?.db.walBytesPerNotification, of: 'same-guarantees floor' },
      at('≤', TARGETS.walOverSameGuaranteesFloor),
      ' B',
    ),
    absoluteRow(`${moduleName} statements per notification, paced 100 req/s`, { value: paced('r100')?.db.statementsPerNotification, of: `${moduleName} paced 100 req/s` }, at('≤', TARGETS.pacedR100Statements), ''),
    ratioRow(
      `${moduleName} CPU (server + PostgreSQL) / floor's, per notification, ${r.config.connections} connections`,
      { value: r.module?.cpu.serverPlusPostgresUs, of: r.module ? 'PostgreSQL CPU (DATABASE_URL)' : noModule },
      { value: r.floor?.cpu.serverPlusPostgresUs, of: r.floor ? 'PostgreSQL CPU (DATABASE_URL)' : 'floor' },
      at('≤', TARGETS.cpuOverFloor),
      ' µs',
    ),
    ...(['express', 'fastify'] as const).map((a) =>
      besideFramework(
        absoluteRow(`module on ${ADAPTER[a]} RSS (peak, ${r.config.connections} connections)`, { value: r[a]?.module.rssMb, of: `module on ${ADAPTER[a]}` }, at('≤', TARGETS.rssMb), ' MB'),
        r.framework?.[a]?.rssMb ?? null,
        at('≤', TARGETS.rssMb),
        ' MB',
      ),
    ),
    absoluteRow(`${moduleName} outbox lag p99 (listener), ${r.config.connections} connections`, { value: r.outbox?.lagP99Ms, of: noModule }, at('<', TARGETS.outboxLagP99Ms), ' ms'),
    s
      ? [
          `duplicate storm (${s.orders} orders × ${s.copies}, ${s.adapter})`,
          `${s.transitions} transitions, ${s.events} events, ${s.nonOk} non-OK`,
          `${s.orders} / ${s.orders} / 0`,
          s.transitions === s.orders && s.events === s.orders && s.nonOk === 0 ? 'met' : '**missed**',
        ]
      : ['duplicate storm', '—', 'exact', 'not measured'],
    r.soak
      ? [
          `soak (${r.soak.rate} req/s paced for ${r.soak.seconds} s, ${r.soak.adapter})`,
          `heap retained after a full collection ${show(r.soak.retainedStartMb)} → ${show(r.soak.retainedEndMb, ' MB')} (${show(r.soak.retainedGrowthPct, ' %')}); ` +
            `RSS ${r.soak.rssStartMb} → ${r.soak.rssEndMb} MB (${r.soak.rssGrowthPct} %, V8 sizing its heap), p99 ${show(r.soak.p99Ms)} ms, ${r.soak.nonOk} non-OK`,
          `retained growth < ${TARGETS.soakGrowthPct} %, 0 non-OK`,
          r.soak.retainedGrowthPct === null ? 'not measured (retained heap)' : r.soak.retainedGrowthPct < TARGETS.soakGrowthPct && r.soak.nonOk === 0 ? 'met' : '**missed**',
        ]
      : ['soak', '—', `retained growth < ${TARGETS.soakGrowthPct} %`, 'not measured'],
  ];
  return ['| target | value | goal | |', '|---|---|---|---|', ...rows.map((row) => `| ${row.join(' | ')} |`)];
}
