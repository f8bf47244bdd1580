import { BaofooDatabase } from '../baofoo/database/baofoo-database.ts';
import { connectFailureText } from '../baofoo/database/database-tls.ts';
import type { CliEnv } from './cli-env.ts';
import { CliFailure } from './cli-failure.ts';

/**
 * The module's own database layer for an operator's command: one statement at
 * a time, each known to be committed before it is reported, with timeouts
 * fit for a person waiting rather than a gateway. The caller ends it.
 */
export async function openCliDatabase(env: CliEnv, applicationName: string): Promise<BaofooDatabase> {
  if (!env.DATABASE_URL) throw new CliFailure("DATABASE_URL is not set: point it at the app's database");
  const db = new BaofooDatabase(() => ({ connectionString: env.DATABASE_URL }), { poolSize: 1, statementTimeoutMs: 60_000, connectTimeoutMs: 5000, answerWithinMs: 65_000 }, applicationName);
  try {
    await db.query('SELECT 1');
  } catch (e) {
    await db.end();
    throw new CliFailure(`cannot connect with DATABASE_URL (${connectFailureText(e)})`);
  }
  return db;
}
