import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSandboxGateway, type SandboxGateway } from '../../src/sandbox/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { FakeClock, placeOrder, startInstance, type Instance } from './support.ts';

const ORDERS = 1000;
const CAP = 60;
const STEP_SECONDS = 20;

/**
 * After an outage a backlog of due orders must not turn into a burst of
 * queries (spec §3.2.1: "best one query a minute"): two instances share one
 * per-merchant budget of `maxQueriesPerMinute` in PostgreSQL.
 */
describe('The per-merchant query cap, with two instances and a backlog of 1,000 due orders', () => {
  const clock = new FakeClock();
  const perMinute = new Map<number, number>();
  const queried = new Set<string>();
  let db: TestDatabase;
  let sandbox: SandboxGateway;
  let instances: Instance[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    sandbox = await startSandboxGateway({ clock: clock.now, retryDelaysMs: [0] });
    sandbox.onRecord((r) => {
      if (r.type !== 'query') return;
      const minute = Math.floor(clock.now().getTime() / 60_000);
      perMinute.set(minute, (perMinute.get(minute) ?? 0) + 1);
      queried.add(r.transId);
    });
    const reconciliation = { batchSize: 100, concurrency: 8, maxQueriesPerMinute: CAP, graceSeconds: 86_400, maxAgeSeconds: 2 * 86_400 };
    instances = await Promise.all([1, 2].map(() => startInstance(db.url, sandbox.url, clock, { reconciliation })));
  });

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.close()));
    await sandbox?.stop();
    await db?.drop();
  });

  it('drains at the cap, never sending more than the cap in any minute', async () => {
    const [a] = instances;
    for (let i = 0; i < ORDERS; i += 50) await Promise.all(Array.from({ length: 50 }, () => placeOrder(a, sandbox, { submit: false })));
    // The outage: every order is long overdue when reconciliation resumes.
    clock.advance(3600);
    const start = clock.now();

    const budgetMinutes = Math.ceil(ORDERS / CAP);
    while (queried.size < ORDERS && clock.secondsSince(start) <= (budgetMinutes + 2) * 60) {
      await Promise.all(instances.map((i) => i.reconciliation.runOnce()));
      clock.advance(STEP_SECONDS);
    }

    const counts = [...perMinute.values()];
    expect(queried.size).toBe(ORDERS);
    expect(Math.max(...counts)).toBe(CAP);
    // Every full minute of the drain used the whole budget, and the backlog took the time the cap implies.
    expect(counts.slice(0, budgetMinutes - 1).every((n) => n === CAP)).toBe(true);
    expect(clock.secondsSince(start)).toBeGreaterThanOrEqual((budgetMinutes - 1) * 60);
    const [{ used }] = await a.dataSource.query(`SELECT max(used)::int AS used FROM baofoo_query_budget`);
    expect(used).toBe(CAP);
  });
});
