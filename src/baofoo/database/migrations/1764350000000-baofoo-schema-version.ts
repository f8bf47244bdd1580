import type { MigrationInterface, QueryRunner } from 'typeorm';
import { SCHEMA_VERSION_TABLE, schemaVersionSql } from '../schema-version.ts';

/**
 * The one-row table that says which migration the schema is at, so the app
 * refuses at boot a schema its code has outgrown (see `schema-version.ts`).
 * A database whose tables predate it is at most at `1764340000000`.
 */
export class BaofooSchemaVersion1764350000000 implements MigrationInterface {
  name = 'BaofooSchemaVersion1764350000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "${SCHEMA_VERSION_TABLE}" ("one_row" boolean NOT NULL DEFAULT true, "version" bigint NOT NULL, CONSTRAINT "baofoo_schema_version_one_row" CHECK ("one_row"), CONSTRAINT "PK_baofoo_schema_version" PRIMARY KEY ("one_row"))`,
    );
    await q.query(`INSERT INTO "${SCHEMA_VERSION_TABLE}" ("version") VALUES (0)`);
    await q.query(schemaVersionSql(1764350000000));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "${SCHEMA_VERSION_TABLE}"`);
  }
}
