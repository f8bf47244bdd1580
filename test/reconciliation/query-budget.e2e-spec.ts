import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BaofooDatabase } from '../../src/baofoo/database/baofoo-database.ts';
import { QueryBudgetStore } from '../../src/baofoo/reconciliation/query-budget.store.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/** The shared per-minute budget when instances disagree on the cap (a rolling deploy that lowers it). */
describe('QueryBudgetStore', () => {
  const minute = new Date('2026-12-07T04:00:10Z');
  let db: TestDatabase;
  let database: BaofooDatabase;
  let store: QueryBudgetStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    database = new BaofooDatabase(() => ({ connectionString: db.url }), { poolSize: 1, statementTimeoutMs: 10_000, connectTimeoutMs: 5000, answerWithinMs: 10_000 });
    store = new QueryBudgetStore(database);
  });
  afterAll(async () => {
    await database?.end();
    await db?.drop();
  });

  const used = async (memberId: string) => (await database.query<{ used: number }>('SELECT used FROM baofoo_query_budget WHERE member_id = $1', [memberId]))[0].used;

  it('grants up to the cap, then nothing', async () => {
    expect(await store.take('100000001', minute, 40, 60)).toBe(40);
    expect(await store.take('100000001', minute, 40, 60)).toBe(20);
    expect(await store.take('100000001', minute, 40, 60)).toBe(0);
    expect(await used('100000001')).toBe(60);
  });

  it('grants nothing, and keeps the count, to an instance whose cap is below what the minute already used', async () => {
    expect(await store.take('100000002', minute, 60, 60)).toBe(60);
    expect(await store.take('100000002', minute, 5, 10)).toBe(0);
    expect(await used('100000002')).toBe(60);
    // The instance with the higher cap still sees its budget as used.
    expect(await store.take('100000002', minute, 5, 60)).toBe(0);
  });
});
