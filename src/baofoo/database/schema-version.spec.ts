import { describe, expect, it } from '@jest/globals';
import { BAOFOO_MIGRATIONS, BAOFOO_SCHEMA_VERSION } from './baofoo-migrations.ts';
import { migrationStatements } from './migration-sql.ts';
import { FIRST_VERSIONED_SCHEMA, migrationVersion } from './schema-version.ts';

describe('the schema version the migrations record', () => {
  const versioned = BAOFOO_MIGRATIONS.filter((M) => migrationVersion(new M().name) >= FIRST_VERSIONED_SCHEMA);

  it('is the newest migration’s timestamp, which the code requires', () => {
    expect(BAOFOO_SCHEMA_VERSION).toBe(Number(/([0-9]{13})$/.exec(new BAOFOO_MIGRATIONS[BAOFOO_MIGRATIONS.length - 1]().name)![1]));
    expect(versioned.length).toBeGreaterThan(0);
  });

  it.each(versioned.map((M) => [new M().name, M] as const))('is set by %s to its own timestamp as its last statement', async (name, Migration) => {
    const { statements } = await migrationStatements(Migration, 'up');

    expect(statements.at(-1)).toBe(`UPDATE "baofoo_schema_version" SET "version" = ${/([0-9]{13})$/.exec(name)![1]}`);
  });

  it('is set back by each later down() to the migration before it, and goes with the table in the first one’s down()', async () => {
    const downs = await Promise.all(versioned.map((M) => migrationStatements(M, 'down')));

    expect(downs[0].statements.at(-1)).toBe('DROP TABLE "baofoo_schema_version"');
    for (let i = 1; i < downs.length; i += 1) {
      expect(downs[i].statements.at(-1)).toBe(`UPDATE "baofoo_schema_version" SET "version" = ${/([0-9]{13})$/.exec(downs[i - 1].name)![1]}`);
    }
  });

  it('is refused for a migration name without its timestamp', () => {
    expect(() => migrationVersion('BaofooSomething')).toThrow(/does not end with its 13-digit timestamp/);
  });
});
