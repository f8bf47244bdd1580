import { DataSource } from 'typeorm';
import { connectFailureText } from '../../baofoo/database/database-tls.ts';
import { baofooPostgresOptions } from '../../baofoo/database/postgres-options.ts';
import type { CliCommand } from '../cli-command.ts';
import type { CliEnv } from '../cli-env.ts';
import { CliFailure, EXIT_OK } from '../cli-failure.ts';
import type { CliIo } from '../cli-io.ts';
import { parseCommandArgs } from '../cli-options.ts';

/**
 * Runs BAOFOO_MIGRATIONS against a database, recording them in TypeORM's
 * `migrations` table, so an app that later runs the same migrations through
 * its own DataSource sees them as done. Each migration in its own transaction.
 */
export async function runMigrate(args: readonly string[], env: CliEnv, io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { url: { type: 'string' } });
  if (positionals.length > 0) throw new CliFailure(`unexpected argument ${positionals[0]}`, true);
  const url = values.url ?? env.DATABASE_URL;
  if (!url) throw new CliFailure('no database: set DATABASE_URL or pass --url postgres://user:password@host:5432/db', true);
  // Migrations may lock and rewrite tables: none of the module's 2 s statement caps here.
  const dataSource = new DataSource({ ...baofooPostgresOptions({ url, poolSize: 1 }), extra: { connectionTimeoutMillis: 10_000 } });
  try {
    await dataSource.initialize();
  } catch (e) {
    throw new CliFailure(`cannot connect to ${new URL(url).host}: ${connectFailureText(e)}`);
  }
  try {
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    if (ran.length === 0) io.out('baofoo schema is up to date');
    for (const m of ran) io.out(`applied ${m.name}`);
    return EXIT_OK;
  } finally {
    await dataSource.destroy();
  }
}

export const migrateCommand: CliCommand = {
  name: 'migrate',
  usage: '[--url postgres://…]',
  summary: 'create or update the module’s tables (BAOFOO_MIGRATIONS) in DATABASE_URL or --url',
  run: runMigrate,
};
