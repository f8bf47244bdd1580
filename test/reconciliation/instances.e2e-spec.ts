import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { OrderRow } from '../../src/baofoo/orders/payment-order.repository.ts';
import { startSandboxGateway, type SandboxGateway } from '../../src/sandbox/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { FakeClock, orderState, outboxOf, placeOrder, startInstance, type Instance } from './support.ts';

const ORDERS = 200;
const STEP_SECONDS = 15;
const SIMULATED_SECONDS = 6 * 60;

describe('Three instances reconciling one database', () => {
  const clock = new FakeClock();
  const queried: { transId: string; at: number }[] = [];
  let db: TestDatabase;
  let sandbox: SandboxGateway;
  let instances: Instance[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    // The sandbox enforces the gateway's rule itself: a second query within a minute is refused, and recorded.
    sandbox = await startSandboxGateway({ clock: clock.now, retryDelaysMs: [0], queryMinIntervalMs: 60_000 });
    sandbox.onRecord((r) => {
      if (r.type === 'query') queried.push({ transId: r.transId, at: clock.now().getTime() });
    });
    // The module's default query timeout (10 s of real time): the local sandbox misses it only if something hangs, where
    // 2 s ran out at load 10 and left an order unsettled for the rest of the simulated window.
    const reconciliation = { batchSize: 40, concurrency: 8, queryTimeoutMs: 10_000, graceSeconds: 1800, maxAgeSeconds: 86_400 };
    instances = await Promise.all([1, 2, 3].map(() => startInstance(db.url, sandbox.url, clock, { reconciliation })));
  });

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.close()));
    await sandbox?.stop();
    await db?.drop();
  });

  it('queries no order twice within 60 s and every due order within 2 minutes, and settles what the sandbox decided', async () => {
    const [a] = instances;
    const start = clock.now();
    const orders: OrderRow[] = [];
    for (let i = 0; i < ORDERS; i += 20) orders.push(...(await Promise.all(Array.from({ length: 20 }, (_, k) => placeOrder(a, sandbox, { orderMoney: 100 + i + k })))));
    const drop = { faults: { dropNotification: true } };
    const paidEarly = orders.slice(0, 30);
    const paidLater = orders.slice(30, 50);
    const failedLater = orders.slice(50, 60);
    await Promise.all(paidEarly.map((o) => sandbox.pay(o.transId, { result: 'paid' }, drop)));

    const dueSince = new Map<string, number>();
    const delays: number[] = [];
    const claimsPerInstance = [0, 0, 0];
    const kinds = new Map<string, number>();
    while (clock.secondsSince(start) < SIMULATED_SECONDS) {
      const now = clock.advance(STEP_SECONDS);
      if (clock.secondsSince(start) === 150) await Promise.all(paidLater.map((o) => sandbox.pay(o.transId, { result: 'paid' }, drop)));
      if (clock.secondsSince(start) === 210) await Promise.all(failedLater.map((o) => sandbox.fail(o.transId, '0000', drop)));
      const due: { trans_id: string; next_query_at: Date }[] = await a.dataSource.query(
        `SELECT trans_id, next_query_at FROM baofoo_payment_orders WHERE status = 'PENDING' AND next_query_at <= $1`,
        [now],
      );
      for (const d of due) if (!dueSince.has(d.trans_id)) dueSince.set(d.trans_id, new Date(d.next_query_at).getTime());
      const seen = queried.length;
      const runs = await Promise.all(instances.map((i) => i.reconciliation.runOnce()));
      runs.forEach((r, k) => (claimsPerInstance[k] += r.claimed));
      for (const o of runs.flatMap((r) => r.outcomes)) {
        const kind = o.kind === 'error' ? `error ${o.error}` : o.kind;
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
      for (const q of queried.slice(seen)) {
        const since = dueSince.get(q.transId);
        if (since !== undefined) delays.push(q.at - since);
        dueSince.delete(q.transId);
      }
    }

    // Nothing due was left waiting, and no answer was refused as too frequent.
    expect([...dueSince.keys()]).toEqual([]);
    expect(sandbox.queries().filter((q) => q.refused)).toEqual([]);
    expect(Math.max(...delays)).toBeLessThanOrEqual(120_000);

    const byOrder = new Map<string, number[]>();
    for (const q of queried) byOrder.set(q.transId, [...(byOrder.get(q.transId) ?? []), q.at]);
    const gaps = [...byOrder.values()].flatMap((times) => times.slice(1).map((t, k) => t - times[k]));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(60_000);
    expect(byOrder.size).toBe(ORDERS);

    // Every claim is counted once by the database and has one outcome. A claim asks the gateway at most once:
    // an answered claim was asked; an error (a timeout on a busy machine) may or may not have reached it; a skipped one did not.
    const [{ attempts }] = await a.dataSource.query('SELECT sum(query_attempts)::int AS attempts FROM baofoo_payment_orders');
    const claims = claimsPerInstance.reduce((sum, n) => sum + n, 0);
    const outcomes = [...kinds.values()].reduce((sum, n) => sum + n, 0);
    // A busy machine may time a query out (its answer, if any, is dropped); nothing else may fail.
    const errors = [...kinds].filter(([kind]) => kind.startsWith('error'));
    expect(errors.map(([kind]) => kind).filter((kind) => kind !== 'error QUERY_TIMEOUT')).toEqual([]);
    const unanswered = errors.reduce((sum, [, n]) => sum + n, 0) + (kinds.get('skipped') ?? 0);
    const report = { attempts, claims, outcomes, queries: queried.length, kinds: Object.fromEntries(kinds) };
    expect(report).toMatchObject({ attempts: claims, outcomes: claims });
    expect(queried.length).toBeGreaterThanOrEqual(claims - unanswered);
    expect(queried.length).toBeLessThanOrEqual(claims - (kinds.get('skipped') ?? 0));
    expect(claimsPerInstance.every((n) => n > 0)).toBe(true);

    for (const [group, status, event] of [
      [paidEarly, 'PAID', 'baofoo.payment.succeeded'],
      [paidLater, 'PAID', 'baofoo.payment.succeeded'],
      [failedLater, 'FAILED', 'baofoo.payment.failed'],
    ] as const) {
      for (const o of group) {
        expect(await orderState(a.dataSource, o.id)).toMatchObject({ status, version: 2, settledBy: 'query' });
        expect((await outboxOf(a.dataSource, o.id)).map((e) => e.type)).toEqual([event]);
      }
    }
    const counts = [...byOrder.values()].map((t) => t.length);
    process.stderr.write(
      `three instances, ${SIMULATED_SECONDS / 60} simulated minutes, ${ORDERS} orders: ${queried.length} queries; per order min ${Math.min(...counts)} max ${Math.max(...counts)}; ` +
        `smallest gap ${Math.min(...gaps) / 1000} s; largest due-to-query delay ${Math.max(...delays) / 1000} s; claims per instance ${claimsPerInstance.join('/')}; outcomes ${JSON.stringify(report.kinds)}\n`,
    );
  });
});
