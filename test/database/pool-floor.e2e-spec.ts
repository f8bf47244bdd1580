import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { BaofooDatabase } from '../../src/baofoo/database/baofoo-database.ts';
import { query } from '../events/outbox-test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const POOL_SIZE = 6;
const POOL_MIN = 2;
const IDLE_TIMEOUT_MS = 300;
/** Only a pool that never shrinks misses this. */
const SHRINK_DEADLINE_MS = 20_000;

/**
 * The module's pool after a burst: the connections above `poolMin` close
 * once idle for `idleTimeoutMs`, the floor stays open for good, and the next
 * statement runs on one of the kept connections (no new backend to start).
 */
describe('the pool floor', () => {
  let db: TestDatabase;
  let database: BaofooDatabase;
  const applicationName = `baofoo-floor-${randomBytes(4).toString('hex')}`;

  /** The server's own view: backends of this pool, not what pg-pool believes it holds. */
  const serverSide = async () =>
    (await query<{ pid: number }>(db.url, 'SELECT pid FROM pg_stat_activity WHERE application_name = $1 ORDER BY pid', [applicationName])).map((r) => r.pid);

  beforeAll(async () => {
    db = await createTestDatabase();
    database = new BaofooDatabase(
      () => ({ connectionString: db.url }),
      { poolSize: POOL_SIZE, poolMin: POOL_MIN, idleTimeoutMs: IDLE_TIMEOUT_MS, statementTimeoutMs: 10_000, connectTimeoutMs: 5000, answerWithinMs: 10_000 },
      applicationName,
    );
  });
  afterAll(async () => {
    await database?.end();
    await db?.drop();
  });

  it('shrinks to poolMin once idle, stays there, and serves the next statement on a kept connection', async () => {
    // Six statements that overlap: each holds its own connection.
    const burst = await Promise.all(Array.from({ length: POOL_SIZE }, () => database.query<{ pid: number }>('SELECT pg_backend_pid() AS pid, pg_sleep(0.2)')));
    expect(new Set(burst.map((rows) => rows[0].pid)).size).toBe(POOL_SIZE);
    expect(database.totalCount).toBe(POOL_SIZE);
    expect(await serverSide()).toHaveLength(POOL_SIZE);

    let backends = await serverSide();
    const until = Date.now() + SHRINK_DEADLINE_MS;
    while ((backends.length !== POOL_MIN || database.totalCount !== POOL_MIN) && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      backends = await serverSide();
    }
    expect(backends).toHaveLength(POOL_MIN);
    expect(database.totalCount).toBe(POOL_MIN);

    // A "stays" check: several idle timeouts later, the floor is still open, the very same backends.
    await new Promise((resolve) => setTimeout(resolve, 3 * IDLE_TIMEOUT_MS));
    expect(await serverSide()).toEqual(backends);
    expect(database.totalCount).toBe(POOL_MIN);

    const [{ pid }] = await database.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    expect(backends).toContain(pid);
    expect(await serverSide()).toEqual(backends);
  });
});
