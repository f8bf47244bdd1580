import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { BAOFOO_MIGRATIONS } from '../../src/baofoo/database/baofoo-migrations.ts';
import type { BaofooModuleOptions } from '../../src/baofoo/config/baofoo-options.interface.ts';
import { baofooPostgresOptions } from '../../src/baofoo/database/postgres-options.ts';

/**
 * Each suite gets a database of its own, cloned from a template that the
 * project's migrations built once per run: suites never see each other's rows,
 * and migrations (not `synchronize`) define the schema under test.
 */

const LOCK = 7_364_201;

function serverUrl(database: string): string {
  const url = new URL(process.env.DATABASE_URL ?? '');
  url.pathname = `/${database}`;
  return url.toString();
}

function adminUrl(): string {
  const url = new URL(process.env.DATABASE_URL ?? '');
  return url.pathname.length > 1 ? url.toString() : serverUrl('postgres');
}

// Named after the migrations, so a run with DATABASE_URL never reuses a stale template.
const templateName = `baofoo_tpl_${createHash('sha256').update(BAOFOO_MIGRATIONS.map((m) => m.name).join(',')).digest('hex').slice(0, 12)}`;

async function ensureTemplate(admin: pg.Client): Promise<void> {
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [templateName]);
  if (exists.rowCount) return;
  const building = `${templateName}_build_${randomBytes(3).toString('hex')}`;
  await admin.query(`CREATE DATABASE "${building}"`);
  const ds = new DataSource(baofooPostgresOptions({ url: serverUrl(building), poolSize: 1 }));
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  await admin.query(`ALTER DATABASE "${building}" RENAME TO "${templateName}"`);
}

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** A database cloned from the migrated template: the module's tables, no rows. */
export async function createTestDatabase(): Promise<TestDatabase> {
  return createDatabase(async (admin, name) => {
    // Template builds and clones are serialised: a template cannot be copied while anyone is connected to it.
    await admin.query('SELECT pg_advisory_lock($1)', [LOCK]);
    try {
      await ensureTemplate(admin);
      await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${templateName}"`);
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1)', [LOCK]).catch(() => undefined);
    }
  });
}

/** A database without any table, for tests of what creates the schema. */
export async function createEmptyDatabase(): Promise<TestDatabase> {
  return createDatabase((admin, name) => admin.query(`CREATE DATABASE "${name}"`).then(() => undefined));
}

async function createDatabase(create: (admin: pg.Client, name: string) => Promise<void>): Promise<TestDatabase> {
  if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL is not set: run the e2e project through jest (its global setup starts PostgreSQL)');
  const name = `baofoo_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client(adminUrl());
  await admin.connect();
  try {
    await create(admin, name);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: serverUrl(name),
    drop: async () => {
      const c = new pg.Client(adminUrl());
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** The PgBouncer port when this run is the `pgbouncer` jest project (its `globals` and global setup), else null. */
function pgbouncerPort(): string | null {
  const pooled = (globalThis as { __BAOFOO_POOLED__?: boolean }).__BAOFOO_POOLED__ === true;
  return pooled ? (process.env.BAOFOO_TEST_PGBOUNCER_PORT ?? null) : null;
}

/**
 * The URL the app (its DataSource, so the module's pool) connects with: the
 * database itself, or, in the `pgbouncer` project, the same database through
 * PgBouncer in transaction mode. The tests' own checks keep the direct URL.
 */
export function appDatabaseUrl(url: string): string {
  const port = pgbouncerPort();
  if (!port) return url;
  const pooled = new URL(url);
  pooled.port = port;
  return pooled.toString();
}

/** Module options for an app on `url`: behind PgBouncer the outbox relay LISTENs on the direct URL (`database.listenUrl`). */
export function appModuleOptions(options: BaofooModuleOptions, url: string): BaofooModuleOptions {
  return pgbouncerPort() ? { ...options, database: { listenUrl: url, ...options.database } } : options;
}
