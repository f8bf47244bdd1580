import type { TlsOptions } from 'node:tls';
import type { DataSourceOptions } from 'typeorm';
import { retryUnlessTlsMismatch } from './database-tls.ts';
import { BaofooConfigError } from '../config/resolve-options.ts';
import { BAOFOO_ENTITIES } from './baofoo-entities.ts';
import { BAOFOO_MIGRATIONS } from './baofoo-migrations.ts';

export interface BaofooPostgresOptions {
  /**
   * postgres://user:password@host:5432/db, usually `process.env.DATABASE_URL`. Required: undefined or
   * empty throws at once, naming DATABASE_URL, rather than letting pg fall back to localhost:5432.
   */
  url: string | undefined;
  /** Pool size of the app's DataSource (the module has a pool of its own: `database.poolSize` of the module options). Default 10. */
  poolSize?: number;
  /** How long the app's DataSource waits for a connection before failing, in ms. Default 2000. */
  connectTimeoutMs?: number;
  /**
   * TLS to the database, as pg takes it (`{ ca }` of a managed PostgreSQL's CA bundle). The module's own
   * connections copy it. Give the CA here or as `sslrootcert` in the url, not both: an `sslmode` or `sslrootcert`
   * in the url replaces this object (pg-connection-string), so `?sslmode=…` with `ssl: { ca }` drops the CA.
   */
  ssl?: boolean | TlsOptions;
}

/** `baofooPostgresOptions`' answer; `toRetry` is read by `TypeOrmModule.forRoot` and ignored by `new DataSource`. */
export type BaofooDataSourceOptions = DataSourceOptions & {
  /** A TLS mismatch stops the boot with what to fix rather than being retried (`retryUnlessTlsMismatch`). */
  toRetry: (error: unknown) => boolean;
};

/**
 * pg reads an empty url as "localhost:5432 as the OS user", and TypeORM then
 * retries for half a minute before ECONNREFUSED: a missing DATABASE_URL must
 * say so at once instead.
 */
function databaseUrl(url: string | undefined): string {
  if (url === undefined || url.trim() === '') {
    throw new BaofooConfigError([
      'the database URL is not set (option url of baofooPostgresOptions, read from DATABASE_URL in the documented setup): ' +
        'set DATABASE_URL=postgres://user:password@host:5432/database in the environment or the env file, and pass it as baofooPostgresOptions({ url: process.env.DATABASE_URL })',
    ]);
  }
  return url;
}

/**
 * PostgreSQL options with the module's entities and migrations. They impose
 * no statement timeout on the app: the module runs its own SQL on a pool of
 * its own, with its own short timeouts (`database` in the module options).
 */
export function baofooPostgresOptions(o: BaofooPostgresOptions): BaofooDataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl(o.url),
    ...(o.ssl === undefined ? {} : { ssl: o.ssl }),
    entities: BAOFOO_ENTITIES,
    migrations: BAOFOO_MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    poolSize: o.poolSize ?? 10,
    extra: { connectionTimeoutMillis: o.connectTimeoutMs ?? 2000 },
    toRetry: retryUnlessTlsMismatch,
  };
}
