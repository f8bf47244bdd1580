import type { Pgbouncer } from '../../src/infra/pgbouncer.ts';
import globalTeardown from './global-teardown.ts';

export default async function pgbouncerGlobalTeardown(): Promise<void> {
  await (globalThis as { __BAOFOO_TEST_PGBOUNCER__?: Pgbouncer }).__BAOFOO_TEST_PGBOUNCER__?.stop();
  await globalTeardown();
}
