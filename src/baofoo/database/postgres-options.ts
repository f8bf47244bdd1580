import type { DataSourceOptions } from 'typeorm';
import { BAOFOO_ENTITIES } from './baofoo-entities.ts';
import { BAOFOO_MIGRATIONS } from './baofoo-migrations.ts';

export interface BaofooPostgresOptions {
  url: string;
  /** Pool size of the app's DataSource (the module has a pool of its own: `database.poolSize` of the module options). Default 10. */
  poolSize?: number;
  /** How long the app's DataSource waits for a connection before failing, in ms. Default 2000. */
  connectTimeoutMs?: number;
}

/**
 * PostgreSQL options with the module's entities and migrations. They impose
 * no statement timeout on the app: the module runs its own SQL on a pool of
 * its own, with its own short timeouts (`database` in the module options).
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
    extra: { connectionTimeoutMillis: o.connectTimeoutMs ?? 2000 },
  };
}
