import type pg from 'pg';
import type { DataSource } from 'typeorm';

/**
 * The pg pool under TypeORM's postgres driver: the relay speaks plain SQL
 * with array parameters on it and copies its connection settings for its
 * LISTEN connection, so it needs no configuration of its own.
 */
export function pgPoolOf(dataSource: DataSource): pg.Pool {
  const pool = (dataSource.driver as unknown as { master?: pg.Pool }).master;
  if (dataSource.options.type !== 'postgres' || !pool) {
    throw new Error('the Baofoo outbox needs an initialised PostgreSQL DataSource: TypeOrmModule.forRoot(baofooPostgresOptions({ url }))');
  }
  return pool;
}

/** Settings for a connection of its own, like the pool's. */
export function connectionSettingsOf(pool: pg.Pool, applicationName: string): pg.ClientConfig {
  const { ...settings } = (pool as unknown as { options: pg.ClientConfig }).options;
  return { ...settings, application_name: applicationName };
}
