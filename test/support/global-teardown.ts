import type { EmbeddedDatabase } from '../../src/infra/embedded-database.ts';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __BAOFOO_TEST_DB__?: EmbeddedDatabase }).__BAOFOO_TEST_DB__?.stop();
}
