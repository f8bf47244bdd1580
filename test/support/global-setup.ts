import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/infra/embedded-database.ts';

/**
 * Starts one real PostgreSQL for the whole e2e run (unless DATABASE_URL points
 * at one); each suite then gets its own database cloned from a migrated
 * template (test/support/test-database.ts). The cluster lives in a private
 * temporary folder that the teardown removes.
 */
export default async function globalSetup(): Promise<void> {
  process.env.NODE_ENV = 'test';
  if (process.env.DATABASE_URL) return;
  const db: EmbeddedDatabase = await startEmbeddedDatabase({ persistent: false });
  process.env.DATABASE_URL = db.url;
  (globalThis as { __BAOFOO_TEST_DB__?: EmbeddedDatabase }).__BAOFOO_TEST_DB__ = db;
}
