/**
 * Which migration the module's schema is at, kept in a one-row table so the
 * app can refuse, at boot, a schema older than its code: a package upgraded
 * without `npx baofoo migrate` would otherwise boot and fail payments one by
 * one. Every migration from `1764350000000` on ends with
 * `schemaVersionSql(its timestamp)` (and its down() with its predecessor's),
 * whichever way it is applied (TypeORM, the CLI, `sql/schema.sql`).
 */
export const SCHEMA_VERSION_TABLE = 'baofoo_schema_version';

/** The first migration that records the version: a schema without the table is older than it. */
export const FIRST_VERSIONED_SCHEMA = 1764350000000;

/** A version found in the database, as a message says it. */
export function describeSchemaVersion(found: number | null): string {
  return found === null ? `a migration before ${FIRST_VERSIONED_SCHEMA}` : `migration ${found}`;
}

/** The statement that records the schema at `version`, a migration's timestamp. */
export function schemaVersionSql(version: number): string {
  return `UPDATE "${SCHEMA_VERSION_TABLE}" SET "version" = ${Math.trunc(version)}`;
}

/** The timestamp a migration's name ends with (`BaofooSchemaVersion1764350000000` → 1764350000000). */
export function migrationVersion(name: string): number {
  const digits = /([0-9]{13})$/.exec(name)?.[1];
  if (!digits) throw new Error(`migration ${name} does not end with its 13-digit timestamp`);
  return Number(digits);
}

/** Runs one query and returns its rows (a DataSource's `query`, or a pg client's wrapped). */
export type RowReader = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/** The version the schema records; null when it predates the version table (or has none of the module's tables). */
export async function readSchemaVersion(read: RowReader): Promise<number | null> {
  const [table] = await read('SELECT to_regclass($1)::text AS found', [SCHEMA_VERSION_TABLE]);
  if (!table?.found) return null;
  const [row] = await read(`SELECT version::text AS version FROM "${SCHEMA_VERSION_TABLE}"`);
  return row ? Number(row.version) : null;
}
