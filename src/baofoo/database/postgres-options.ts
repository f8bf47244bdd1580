import type { DataSourceOptions } from 'typeorm';
import { BAOFOO_ENTITIES } from './baofoo-entities.ts';
import { BAOFOO_MIGRATIONS } from './baofoo-migrations.ts';

export interface BaofooPostgresOptions {
  url: string;
  /** Pool size. Default 10. */
  poolSize?: number;
  /** How long to wait for a connection before failing, in ms. Default 2000. */
  connectTimeoutMs?: number;
  /** Server-side cap on one statement, in ms. Default 5000. */
  statementTimeoutMs?: number;
}

/**
 * PostgreSQL options with the module's entities and migrations, and timeouts
 * short enough that a database outage turns into a prompt "not OK" to the
 * gateway (which retries) instead of a hung request.
 */
export function baofooPostgresOptions(o: BaofooPostgresOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: o.url,
    entities: BAOFOO_ENTITIES,
    migrations: BAOFOO_MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    poolSize: o.poolSize ?? 10,
    extra: {
      connectionTimeoutMillis: o.connectTimeoutMs ?? 2000,
      statement_timeout: o.statementTimeoutMs ?? 5000,
      query_timeout: (o.statementTimeoutMs ?? 5000) + 1000,
    },
  };
}
