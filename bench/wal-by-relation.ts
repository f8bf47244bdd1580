import { ADMIN_MARK, startBenchDatabase, type BenchDatabase } from './bench-database.ts';
import { round } from './bench-stats.ts';
import { waitForOutboxDrained } from './bench-waits.ts';
import { runWorker, startServer } from './child-process.ts';
import { closedLoopOrders, type ClosedResult, type LoadJob } from './load-jobs.ts';

/*
 * `node dist-bench/bench/wal-by-relation.js [--requests N]`: where the WAL of
 * a notification goes, by relation (heap, each index, their forks), for the
 * same-guarantees floor and the module on Fastify, on the bench's own
 * PostgreSQL with production durability, measured like main.ts measures
 * WAL bytes (warm-up, then the closed loop and the outbox drained). Each WAL
 * record counts once, for the relation of its first block reference;
 * records without one (commits, ...) are grouped by resource manager.
 */

const CONNECTIONS = 32;
const POOL_SIZE = 16;
const WARMUP = 1000;

const SERVERS = {
  sgfloor: { script: './servers/same-guarantees-floor-server.js', path: '/', letter: 'G', env: {} },
  fastify: { script: './servers/module-server.js', path: '/baofoo/notify', letter: 'Z', env: { ADAPTER: 'fastify' } },
} as const;
type Name = keyof typeof SERVERS;

function requestsFlag(argv: string[]): number {
  const i = argv.indexOf('--requests');
  if (i === -1) return 3000;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error('--requests takes a positive whole number');
  return n;
}

// Records are 8-byte aligned in the WAL; what remains of the LSN difference is page headers.
const BY_RELATION = `${ADMIN_MARK}
WITH records AS (
  SELECT start_lsn, resource_manager, record_length, fpi_length FROM pg_get_wal_records_info($1::pg_lsn, $2::pg_lsn)),
first_block AS (
  SELECT DISTINCT ON (start_lsn) start_lsn, relfilenode, relforknumber
    FROM pg_get_wal_block_info($1::pg_lsn, $2::pg_lsn, false) ORDER BY start_lsn, block_id)
SELECT CASE WHEN b.relfilenode IS NULL THEN '(no block) ' || r.resource_manager
            ELSE coalesce(c.relname, 'relfilenode ' || b.relfilenode) || CASE b.relforknumber WHEN 0 THEN '' WHEN 1 THEN ' (fsm)' WHEN 2 THEN ' (vm)' ELSE ' (fork ' || b.relforknumber || ')' END
       END AS relation,
       count(*)::float8 AS records,
       sum((r.record_length + 7) / 8 * 8)::float8 AS bytes,
       sum(r.fpi_length)::float8 AS fpi
  FROM records r LEFT JOIN first_block b USING (start_lsn)
  LEFT JOIN pg_class c ON c.relfilenode = b.relfilenode AND b.relfilenode <> 0
 GROUP BY 1 ORDER BY 3 DESC`;

interface Row {
  relation: string;
  records: number;
  bytes: number;
  fpi: number;
}

async function lsn(db: BenchDatabase): Promise<string> {
  return (await db.admin.query(`${ADMIN_MARK} SELECT pg_current_wal_insert_lsn()::text AS lsn`)).rows[0].lsn as string;
}

async function measure(db: BenchDatabase, name: Name, requests: number): Promise<void> {
  const spec = SERVERS[name];
  const warm = `${spec.letter}W`;
  const timed = `${spec.letter}M`;
  await db.reset();
  await db.seed(warm, closedLoopOrders(WARMUP, CONNECTIONS));
  await db.seed(timed, closedLoopOrders(requests, CONNECTIONS));
  const server = await startServer(spec.script, { DATABASE_URL: db.url, POOL_SIZE: String(POOL_SIZE), ...spec.env });
  try {
    const url = `${server.url}${spec.path}`;
    await runWorker<ClosedResult>({ mode: 'closed', url, prefix: warm, requests: WARMUP, connections: CONNECTIONS } satisfies LoadJob);
    await waitForOutboxDrained(db, 60_000);
    const start = await lsn(db);
    const r = await runWorker<ClosedResult>({ mode: 'closed', url, prefix: timed, requests, connections: CONNECTIONS } satisfies LoadJob);
    await waitForOutboxDrained(db, 120_000);
    const end = await lsn(db);
    const n = r.requests;
    const total = (await db.admin.query(`${ADMIN_MARK} SELECT pg_wal_lsn_diff($1, $2)::float8 AS b`, [end, start])).rows[0].b as number;
    const rows = (await db.admin.query(BY_RELATION, [start, end])).rows as Row[];
    const counted = rows.reduce((a, x) => a + x.bytes, 0);
    process.stdout.write(`\n${name}: ${n} notifications (non-OK ${r.nonOk}), ${round(total / n, 0)} WAL bytes per notification (LSN difference)\n`);
    process.stdout.write(`| relation | records/notification | bytes/notification | of which full-page images |\n|---|---:|---:|---:|\n`);
    for (const x of rows) {
      if (x.bytes / n < 0.5) continue;
      process.stdout.write(`| ${x.relation} | ${round(x.records / n, 2)} | ${round(x.bytes / n, 0)} | ${round(x.fpi / n, 0)} |\n`);
    }
    process.stdout.write(`| (page headers, rows under 0.5 B) | | ${round((total - counted) / n + rows.filter((x) => x.bytes / n < 0.5).reduce((a, x) => a + x.bytes / n, 0), 0)} | |\n`);
  } finally {
    await server.stop();
  }
}

const requests = requestsFlag(process.argv.slice(2));
const db = await startBenchDatabase();
try {
  await db.admin.query(`${ADMIN_MARK} CREATE EXTENSION IF NOT EXISTS pg_walinspect`);
  await db.setDurability('on');
  for (const name of Object.keys(SERVERS) as Name[]) await measure(db, name, requests);
} finally {
  await db.stop();
}
