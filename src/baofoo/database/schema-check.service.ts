import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { BaofooError } from '../protocol/errors.ts';
import { BAOFOO_DATA_SOURCE } from './baofoo-database.provider.ts';
import { BAOFOO_ENTITIES } from './baofoo-entities.ts';
import { BAOFOO_SCHEMA_VERSION, isSchemaCurrent } from './baofoo-migrations.ts';
import { describeSchemaVersion, readSchemaVersion } from './schema-version.ts';

const HOW_TO_MIGRATE =
  'run `npx baofoo migrate` (DATABASE_URL or --url), add BAOFOO_MIGRATIONS to your TypeORM migrations and run them, ' +
  'or apply node_modules/nestjs-baofoo/sql/schema.sql with your own tool.';

/** The module's tables are not in the app's database. */
export class BaofooSchemaMissingError extends BaofooError {
  constructor(readonly missing: string[]) {
    super('SCHEMA_MISSING', `Baofoo tables missing from the database: ${missing.join(', ')}. Create them before starting the app: ${HOW_TO_MIGRATE}`, { missing });
  }
}

/** The module's tables are there, but from an older version of the package than the code. */
export class BaofooSchemaOutdatedError extends BaofooError {
  constructor(
    readonly found: number | null,
    readonly required: number,
  ) {
    super(
      'SCHEMA_OUTDATED',
      `The Baofoo schema is at ${describeSchemaVersion(found)}, and this version of nestjs-baofoo needs ${required}: ` +
        `its statements would fail payments until the schema is migrated. Apply the newer migrations before starting the app: ${HOW_TO_MIGRATE}`,
      { found, required },
    );
  }
}

/**
 * Refuses to boot without the module's tables, or with tables older than the
 * code: otherwise the app starts "fine" and the first payment fails. Three
 * small reads at startup, on the DataSource the module connects like (the
 * `dataSource` extra, or the default).
 */
@Injectable()
export class BaofooSchemaCheck implements OnModuleInit {
  constructor(@Inject(BAOFOO_DATA_SOURCE) private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    const tables = BAOFOO_ENTITIES.map((entity) => this.dataSource.getMetadata(entity).tablePath);
    const rows: { name: string; found: string | null }[] = await this.dataSource.query(
      'SELECT name, to_regclass(name)::text AS found FROM unnest($1::text[]) AS name',
      [tables],
    );
    const missing = rows.filter((r) => r.found === null).map((r) => r.name);
    if (missing.length > 0) throw new BaofooSchemaMissingError(missing);
    const found = await readSchemaVersion((sql, params) => this.dataSource.query(sql, params));
    if (!isSchemaCurrent(found)) throw new BaofooSchemaOutdatedError(found, BAOFOO_SCHEMA_VERSION);
  }
}
