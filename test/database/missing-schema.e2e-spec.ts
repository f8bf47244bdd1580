import 'reflect-metadata';
import { runMigrate } from '../../src/cli/commands/migrate.command.ts';
import { memoryIo } from '../../src/cli/cli-io.ts';
import { BAOFOO_MIGRATIONS } from '../../src/baofoo/database/baofoo-migrations.ts';
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
