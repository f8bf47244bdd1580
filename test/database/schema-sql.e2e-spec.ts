import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { BAOFOO_MIGRATIONS } from '../../src/baofoo/database/baofoo-migrations.ts';
import { migrationSql } from '../../src/baofoo/database/migration-sql.ts';
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const SCHEMA_SQL = fileURLToPath(new URL('../../sql/schema.sql', import.meta.url));

/*
 * Everything a schema defines, as comparable text: columns, constraints,
 * indexes, functions and triggers of the public schema, minus TypeORM's own
 * `migrations` bookkeeping table. Generic on purpose: a new migration needs
 * no change here, only `npm run schema`.
 */
const CATALOG = `
  SELECT 'column ' || c.table_name || '.' || c.column_name || ' ' || c.data_type || coalesce('(' || c.character_maximum_length || ')', '')
         || ' null=' || c.is_nullable || ' default=' || coalesce(c.column_default, '-') || ' identity=' || coalesce(c.identity_generation, '-') AS item
    FROM information_schema.columns c WHERE c.table_schema = 'public' AND c.table_name <> 'migrations'
  UNION ALL
  SELECT 'constraint ' || t.relname || '.' || k.conname || ' ' || pg_get_constraintdef(k.oid)
    FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
   WHERE n.nspname = 'public' AND t.relname <> 'migrations'
  UNION ALL
  SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> 'migrations'
  UNION ALL
  SELECT 'function ' || p.proname || ' ' || pg_get_functiondef(p.oid)
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
  UNION ALL
  SELECT 'trigger ' || pg_get_triggerdef(g.oid) FROM pg_trigger g JOIN pg_class t ON t.oid = g.tgrelid JOIN pg_namespace n ON n.oid = t.relnamespace
   WHERE n.nspname = 'public' AND NOT g.tgisinternal
  ORDER BY 1`;

async function catalogOf(url: string, before?: (client: pg.Client) => Promise<unknown>): Promise<string[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    await before?.(client);
    return (await client.query<{ item: string }>(CATALOG)).rows.map((r) => r.item);
  } finally {
    await client.end();
  }
}

describe('sql/schema.sql, for teams that do not run TypeORM migrations', () => {
  const dbs: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  it('is exactly what the migrations run (after adding a migration, `npm run schema` regenerates it)', async () => {
    const expected = await migrationSql(BAOFOO_MIGRATIONS);
    const actual = readFileSync(SCHEMA_SQL, 'utf8');
    if (actual !== expected) throw new Error('sql/schema.sql is out of date with BAOFOO_MIGRATIONS: run `npm run schema` and commit sql/schema.sql');
  });

  it('applied to an empty database gives the same tables, constraints, indexes, functions and triggers as the migrations', async () => {
    const migrated = await createTestDatabase();
    dbs.push(migrated);
    const plain = await createEmptyDatabase();
    dbs.push(plain);

    const fromMigrations = await catalogOf(migrated.url);
    const fromSql = await catalogOf(plain.url, (client) => client.query(readFileSync(SCHEMA_SQL, 'utf8')));

    expect(fromMigrations.length).toBeGreaterThan(20);
    expect(fromSql).toEqual(fromMigrations);
  });
});
