import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { doctorFindings } from '../../src/cli/commands/doctor.command.ts';
import { runMigrate } from '../../src/cli/commands/migrate.command.ts';
import { memoryIo } from '../../src/cli/cli-io.ts';
import { BAOFOO_MIGRATIONS, BAOFOO_SCHEMA_VERSION } from '../../src/baofoo/database/baofoo-migrations.ts';
import { baofooPostgresOptions } from '../../src/baofoo/database/postgres-options.ts';
import { FIRST_VERSIONED_SCHEMA, migrationVersion } from '../../src/baofoo/database/schema-version.ts';
import { createTestApp } from '../support/baofoo-test-app.ts';
import { createEmptyDatabase, type TestDatabase } from '../support/test-database.ts';

describe('an app whose database lacks the module’s tables', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createEmptyDatabase();
  });
  afterAll(() => db.drop());

  it('refuses to boot, naming every missing table and the command that creates them', async () => {
    const booting = createTestApp(db.url);

    await expect(booting).rejects.toMatchObject({ code: 'SCHEMA_MISSING', missing: expect.arrayContaining(['baofoo_payment_orders', 'baofoo_outbox']) });
    await expect(booting).rejects.toThrow(/npx baofoo migrate/);
  });

  it('boots once `baofoo migrate` has run, and a second migrate changes nothing', async () => {
    const first = memoryIo();
    expect(await runMigrate(['--url', db.url], {}, first)).toBe(0);
    expect(first.stdout).toEqual(BAOFOO_MIGRATIONS.map((m) => `applied ${m.name}`));

    const second = memoryIo();
    expect(await runMigrate([], { DATABASE_URL: db.url }, second)).toBe(0);
    expect(second.stdout).toEqual(['baofoo schema is up to date']);

    const app = await createTestApp(db.url);
    await app.close();
  });

  it('migrate without a database says how to name one', async () => {
    const io = memoryIo();
    await expect(runMigrate([], {}, io)).rejects.toThrow(/DATABASE_URL or pass --url/);
  });
});

/** What `baofoo doctor` says of the database at `url`. */
async function databaseFinding(url: string): Promise<{ ok: boolean; detail: string }> {
  const finding = (await doctorFindings({ DATABASE_URL: url })).find((f) => f.check === 'database')!;
  return { ok: finding.ok, detail: finding.detail };
}

describe('an app whose database has the module’s tables from an older version of the package', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createEmptyDatabase();
    // The migrations before the version table, as a database migrated by a release without it would be.
    const ds = await new DataSource({ ...baofooPostgresOptions({ url: db.url, poolSize: 1 }), migrations: BAOFOO_MIGRATIONS.filter((m) => migrationVersion(new m().name) < FIRST_VERSIONED_SCHEMA) }).initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.destroy();
  });
  afterAll(() => db.drop());

  it('refuses to boot, naming the schema version it needs and the command that migrates', async () => {
    const booting = createTestApp(db.url);

    await expect(booting).rejects.toMatchObject({ code: 'SCHEMA_OUTDATED', found: null, required: BAOFOO_SCHEMA_VERSION });
    await expect(booting).rejects.toThrow(new RegExp(`needs ${BAOFOO_SCHEMA_VERSION}.*npx baofoo migrate`, 's'));
    expect(await databaseFinding(db.url)).toEqual({
      ok: false,
      detail: `reachable, but the schema is at a migration before 1764350000000 and this version needs ${BAOFOO_SCHEMA_VERSION}: run \`npx baofoo migrate\` in your deploy step`,
    });
  });

  it('boots once `baofoo migrate` has applied the newer migrations', async () => {
    const io = memoryIo();
    expect(await runMigrate(['--url', db.url], {}, io)).toBe(0);
    expect(io.stdout).toEqual(BAOFOO_MIGRATIONS.filter((m) => migrationVersion(new m().name) >= FIRST_VERSIONED_SCHEMA).map((m) => `applied ${new m().name}`));

    const app = await createTestApp(db.url);
    await app.close();
    expect(await databaseFinding(db.url)).toEqual({ ok: true, detail: `reachable, schema at ${BAOFOO_SCHEMA_VERSION}` });
  });
});
