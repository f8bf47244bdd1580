import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { BaofooDatabase } from './baofoo-database.ts';
import { ConnectionPlanner } from './connection-planner.ts';
import { BaofooTopologyCheck } from './topology-check.service.ts';

/** The app's DataSource the module reads its connection settings from (bound by `BaofooModule`'s `dataSource` extra). */
export const BAOFOO_DATA_SOURCE = Symbol('BAOFOO_DATA_SOURCE');

/** The pg pool under TypeORM's postgres driver (it exists once the DataSource is initialised). */
function pgPoolOf(dataSource: DataSource): pg.Pool {
  const pool = (dataSource.driver as unknown as { master?: pg.Pool } | undefined)?.master;
  if (!pool) throw new Error('the Baofoo module needs an initialised PostgreSQL DataSource: TypeOrmModule.forRoot(baofooPostgresOptions({ url }))');
  return pool;
}

/** The connection settings of the DataSource's own pool (host, credentials, ssl…). */
export function connectionSettingsOf(dataSource: DataSource): pg.ClientConfig {
  const options = (pgPoolOf(dataSource) as unknown as { options: pg.ClientConfig }).options;
  // pg-pool hides `password` from enumeration (so a logged pool does not show it): a spread alone drops it,
  // and a DataSource given host/username/password rather than a url would lend the module no password.
  return { ...options, password: options.password };
}

/** The module's database over the app's DataSource; refuses anything but PostgreSQL at boot. */
export function baofooDatabaseOf(dataSource: DataSource, options: ResolvedBaofooOptions): BaofooDatabase {
  const type = dataSource?.options?.type;
  if (type !== 'postgres') {
    throw new Error(
      `the Baofoo module needs a PostgreSQL DataSource, got ${type ?? 'none'}: import TypeOrmModule.forRoot(baofooPostgresOptions({ url })), ` +
        `or name a PostgreSQL one with BaofooModule.forRoot({ dataSource: 'name', … })`,
    );
  }
  // The group-commit settings are the settling repository's, not the pool's.
  const { poolSize, poolMin, idleTimeoutMs, statementTimeoutMs, connectTimeoutMs, answerWithinMs, topology, preparedStatements, listenUrl } = options.database;
  const connection = () => connectionSettingsOf(dataSource);
  const planner = new ConnectionPlanner(connection, { topology, preparedStatements, listenUrl });
  return new BaofooDatabase(connection, { poolSize, poolMin, idleTimeoutMs, statementTimeoutMs, connectTimeoutMs, answerWithinMs }, 'baofoo', planner);
}

/** Closes the module's pool after everything that uses it has stopped (relay and cron stop earlier in the shutdown). */
@Injectable()
export class BaofooDatabaseCloser implements OnApplicationShutdown {
  constructor(@Inject(BaofooDatabase) private readonly db: BaofooDatabase) {}

  async onApplicationShutdown(): Promise<void> {
    await this.db.end();
  }
}

export const BAOFOO_DATABASE_PROVIDERS: Provider[] = [
  { provide: BaofooDatabase, useFactory: baofooDatabaseOf, inject: [BAOFOO_DATA_SOURCE, BAOFOO_OPTIONS] },
  BaofooDatabaseCloser,
  BaofooTopologyCheck,
];
