import { setTimeout as delay } from 'node:timers/promises';
import { ADMIN_MARK, type BenchDatabase } from './bench-database.ts';
import { round } from './bench-stats.ts';
import { clockTicksPerSecond, processTicks, processTreeTicks } from './proc-cpu.ts';

/** CPU per notification in µs, by process. PostgreSQL is every process of the bench's own instance; null on DATABASE_URL. */
export interface CpuPerNotification {
  serverUs: number;
  postgresUs: number | null;
  loadUs: number;
  /** Server + PostgreSQL: what a deployment pays (the load generator is the gateway's side). */
  serverPlusPostgresUs: number | null;
  totalUs: number | null;
}

export interface DatabaseCost {
  /** Statements PostgreSQL ran per notification (BEGIN/COMMIT and LISTEN included), or transactions when only the fallback exists. */
  statementsPerNotification: number | null;
  statementsSource: 'pg_stat_statements' | 'pg_stat_database.xact_commit (transactions, not statements)';
  /** WAL generated per notification, in bytes (pg_current_wal_insert_lsn difference). */
  walBytesPerNotification: number | null;
  /** The most frequent statements, per notification, so an optimizer sees where the round trips go. */
  topStatements: { perNotification: number; meanMs: number; query: string }[];
}

export interface Cost {
  cpu: CpuPerNotification;
  db: DatabaseCost;
}

const TOP = 6;

const SQL_CALLS = `${ADMIN_MARK} SELECT s.calls::float8 AS calls, s.mean_exec_time AS "meanMs", left(regexp_replace(s.query, '\\s+', ' ', 'g'), 140) AS query
  FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
 WHERE d.datname = current_database() AND s.query NOT LIKE '/* bench-admin */%'
 ORDER BY s.calls DESC`;

/** Backends flush their counts to pg_stat_database when idle, within 10 s (PGSTAT_IDLE_INTERVAL). */
const STATS_FLUSH_MS = 11_000;

async function xactCommits(db: BenchDatabase): Promise<number> {
  await delay(STATS_FLUSH_MS);
  await db.admin.query(`${ADMIN_MARK} SELECT pg_stat_clear_snapshot()`);
  const { rows } = await db.admin.query(`${ADMIN_MARK} SELECT xact_commit::float8 AS n FROM pg_stat_database WHERE datname = current_database()`);
  return rows[0].n as number;
}

async function walInsertLsn(db: BenchDatabase): Promise<string> {
  return (await db.admin.query(`${ADMIN_MARK} SELECT pg_current_wal_insert_lsn()::text AS lsn`)).rows[0].lsn as string;
}

/**
 * Starts measuring the cost of the notifications that follow; `finish` takes
 * how many there were and the load generator's own CPU ticks over them.
 */
export async function startCostMeter(db: BenchDatabase, serverPid: number): Promise<{ finish(notifications: number, loadTicks: number): Promise<Cost> }> {
  const postmaster = await db.postmasterPid();
  if (db.statements) await db.admin.query(`${ADMIN_MARK} SELECT pg_stat_statements_reset()`);
  const commitsBefore = db.statements ? 0 : await xactCommits(db);
  const lsnBefore = await walInsertLsn(db);
  const serverBefore = processTicks(serverPid);
  const pgBefore = postmaster === null ? null : processTreeTicks(postmaster);
  return {
    finish: async (n, loadTicks) => {
      const serverTicks = processTicks(serverPid) - serverBefore;
      const pgTicks = postmaster === null || pgBefore === null ? null : processTreeTicks(postmaster) - pgBefore;
      const lsnAfter = await walInsertLsn(db);
      const wal = (await db.admin.query(`${ADMIN_MARK} SELECT pg_wal_lsn_diff($1, $2)::float8 AS bytes`, [lsnAfter, lsnBefore])).rows[0].bytes as number;
      const usPer = (ticks: number) => round((ticks * 1e6) / clockTicksPerSecond() / n, 0)!;
      const serverUs = usPer(serverTicks);
      const postgresUs = pgTicks === null ? null : usPer(pgTicks);
      const loadUs = usPer(loadTicks);
      let statementsPerNotification: number | null;
      let topStatements: DatabaseCost['topStatements'] = [];
      if (db.statements) {
        const { rows } = await db.admin.query(SQL_CALLS);
        const calls = rows as { calls: number; meanMs: number; query: string }[];
        statementsPerNotification = round(calls.reduce((a, r) => a + r.calls, 0) / n, 2);
        topStatements = calls.slice(0, TOP).map((r) => ({ perNotification: round(r.calls / n, 3)!, meanMs: round(r.meanMs, 3)!, query: r.query }));
      } else {
        statementsPerNotification = round(((await xactCommits(db)) - commitsBefore) / n, 2);
      }
      return {
        cpu: {
          serverUs,
          postgresUs,
          loadUs,
          serverPlusPostgresUs: postgresUs === null ? null : serverUs + postgresUs,
          totalUs: postgresUs === null ? null : serverUs + postgresUs + loadUs,
        },
        db: {
          statementsPerNotification,
          statementsSource: db.statements ? 'pg_stat_statements' : 'pg_stat_database.xact_commit (transactions, not statements)',
          walBytesPerNotification: round(wal / n, 0),
          topStatements,
        },
      };
    },
  };
}
