import type { DataSourceOptions } from 'typeorm';
import { BAOFOO_ENTITIES } from './baofoo-entities.ts';
import { BAOFOO_MIGRATIONS } from './baofoo-migrations.ts';

export interface BaofooPostgresOptions {
  url: string;
  /** Pool size. Default 10. */
  poolSize?: number;
  /** How long to wait for a connection before failing, in ms. Default 2000. */
  connectTimeoutMs?: number;
  /** Server-side cap on one statement, in ms; the client gives up 500 ms later. Default 2000. */
  statementTimeoutMs?: number;
}

/*
 * A database that stops answering (frozen, partitioned, its host gone) must
 * still get the gateway a prompt "not OK" — within 3 s — rather than a request
 * hung until the gateway's own timeout: a query gives up after 2.5 s, a
 * connection (or a wait for a pooled one) after 2 s.
 */
const DEFAULT_STATEMENT_TIMEOUT_MS = 2000;
const CLIENT_GRACE_MS = 500;

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
      statement_timeout: o.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
      query_timeout: (o.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS) + CLIENT_GRACE_MS,
    },
  };
}
