import { startPgbouncerFor, type Pgbouncer } from '../../src/infra/pgbouncer.ts';
import globalSetup from './global-setup.ts';

/**
 * The `pgbouncer` project: PostgreSQL as for the e2e project, and in front of
 * it a PgBouncer in transaction mode configured the usual way, through which
 * test/support/test-database.ts routes the app's and the module's connections.
 */
export default async function pgbouncerGlobalSetup(): Promise<void> {
  await globalSetup();
  const bouncer = await startPgbouncerFor(process.env.DATABASE_URL!, 'transaction', 20);
  process.env.BAOFOO_TEST_PGBOUNCER_PORT = String(bouncer.port);
  (globalThis as { __BAOFOO_TEST_PGBOUNCER__?: Pgbouncer }).__BAOFOO_TEST_PGBOUNCER__ = bouncer;
}
