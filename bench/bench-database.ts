import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { baofooPostgresOptions } from '../src/baofoo/database/postgres-options.ts';
import { startEmbeddedDatabase } from '../src/infra/embedded-database.ts';
import { BENCH_MERCHANT, BENCH_ORDER_MONEY } from './bench-signing.ts';

export interface BenchDatabase {
  /** URL of the migrated benchmark database every server uses. */
  url: string;
  admin: pg.Pool;
  /** Empties orders, ledger, outbox and deliveries, so each scenario starts alike. */
  reset(): Promise<void>;
  /** Bulk-inserts `count` PENDING bank orders whose trans ids start with `prefix`. */
  seed(prefix: string, count: number): Promise<void>;
  stop(): Promise<void>;
}

const DB_NAME = 'baofoo_bench';

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** PostgreSQL from DATABASE_URL, or an embedded one in a temporary directory, with a fresh migrated database. */
export async function startBenchDatabase(): Promise<BenchDatabase> {
  let serverUrl = process.env.DATABASE_URL;
  let stopServer = async (): Promise<void> => undefined;
  if (!serverUrl) {
    const dir = mkdtempSync(join(tmpdir(), 'baofoo-bench-'));
    const db = await startEmbeddedDatabase({ dataDir: join(dir, 'pgdata'), persistent: false });
    serverUrl = db.url;
    stopServer = async () => {
      await db.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
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
  return {
    url,
    admin,
    reset: async () => {
      await admin.query('TRUNCATE baofoo_event_deliveries, baofoo_outbox, baofoo_notification_ledger, baofoo_payment_orders RESTART IDENTITY');
    },
    seed: async (prefix, count) => {
      await admin.query(
        `INSERT INTO baofoo_payment_orders (member_id, terminal_id, trans_id, pay_id, trade_date, order_money, status, version, page_url, return_url, next_query_at)
         SELECT $1, $2, $3 || lpad(i::text, 10, '0'), '3002', '20261125115900', $4, 'PENDING', 1, 'https://shop.example/return', 'https://shop.example/notify',
                now() + interval '1 day'
           FROM generate_series(0, $5::int - 1) AS i`,
        [BENCH_MERCHANT.memberId, BENCH_MERCHANT.terminalId, prefix, BENCH_ORDER_MONEY, count],
      );
      await admin.query('VACUUM ANALYZE baofoo_payment_orders');
    },
    stop: async () => {
      await admin.end();
      const c = new pg.Client(withDatabase(serverUrl, 'postgres'));
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
      await c.end();
      await stopServer();
    },
  };
}
