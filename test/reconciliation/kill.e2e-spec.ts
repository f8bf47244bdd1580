import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BAOFOO_OPTIONS } from '../../src/baofoo/baofoo.constants.ts';
import type { ResolvedBaofooOptions } from '../../src/baofoo/config/resolved-options.ts';
import type { OrderRow } from '../../src/baofoo/orders/payment-order.repository.ts';
import { GatewayQueryClient, type GatewayQueryResult, type QueryTarget } from '../../src/baofoo/reconciliation/gateway-query.client.ts';
import { BaofooSigner } from '../../src/baofoo/signing/baofoo-signer.service.ts';
import { startSandboxGateway, type SandboxGateway } from '../../src/sandbox/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { FakeClock, orderState, outboxOf, placeOrder, startInstance, type Instance } from './support.ts';

/**
 * The query client of an instance that freezes mid-batch: its first query
 * goes to the gateway, the next one never leaves, and when the instance is
 * killed every query still waiting fails without an answer.
 */
class FreezingClient extends GatewayQueryClient {
  private calls = 0;
  private killed = false;
  private readonly waiting: (() => void)[] = [];
  private frozenSignal!: () => void;
  readonly frozen = new Promise<void>((resolve) => (this.frozenSignal = resolve));

  override async query(target: QueryTarget): Promise<GatewayQueryResult> {
    this.calls += 1;
    if (this.calls === 1) return super.query(target);
    if (!this.killed) {
      this.frozenSignal();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    throw new Error('the instance was killed');
  }

  kill(): void {
    this.killed = true;
    for (const resume of this.waiting.splice(0)) resume();
  }
}

/**
 * Two instances over one database and sandbox, on one fake clock: a survivor,
 * and the doomed one, whose query client freezes at its second query.
 */
function twoInstances(reconciliation = { batchSize: 10, concurrency: 1, queryTimeoutMs: 2000 }) {
  const ctx = { clock: new FakeClock() } as { clock: FakeClock; db: TestDatabase; sandbox: SandboxGateway; survivor: Instance; doomed: Instance; client: FreezingClient };
  beforeAll(async () => {
    ctx.db = await createTestDatabase();
    ctx.sandbox = await startSandboxGateway({ clock: ctx.clock.now, retryDelaysMs: [0], queryMinIntervalMs: 60_000 });
    ctx.survivor = await startInstance(ctx.db.url, ctx.sandbox.url, ctx.clock, { reconciliation });
    // Created last: its silence (Nest's logger is process-wide) keeps the dying instance's errors out of the output.
    ctx.doomed = await startInstance(ctx.db.url, ctx.sandbox.url, ctx.clock, {
      reconciliation,
      quiet: true,
      override: {
        provide: GatewayQueryClient,
        useFactory: (options: ResolvedBaofooOptions, signer: BaofooSigner) => (ctx.client = new FreezingClient(options, signer)),
        inject: [BAOFOO_OPTIONS, BaofooSigner],
      },
    });
  });
  afterAll(async () => {
    await ctx.survivor?.close();
    await ctx.sandbox?.stop();
    await ctx.db?.drop();
  });
  return ctx;
}

/** Ten paid orders whose notifications were lost, due for a query: the clock moved a minute on. */
async function paidUnnotified(ctx: ReturnType<typeof twoInstances>): Promise<{ orders: OrderRow[]; claimedAt: Date }> {
  const orders: OrderRow[] = await Promise.all(Array.from({ length: 10 }, () => placeOrder(ctx.survivor, ctx.sandbox)));
  await Promise.all(orders.map((o) => ctx.sandbox.pay(o.transId, { result: 'paid' }, { faults: { dropNotification: true } })));
  return { orders, claimedAt: ctx.clock.advance(60) };
}

describe('An instance killed mid-batch', () => {
  const ctx = twoInstances();

  it('leaves its claimed orders alone until the lease ends, then another instance settles them', async () => {
    const { clock, survivor, doomed, sandbox } = ctx;
    const { orders, claimedAt } = await paidUnnotified(ctx);
    const lease = survivor.reconciliation.leaseSeconds;
    expect(lease).toBe(65 + 10 * 2);

    const dying = doomed.reconciliation.runOnce();
    await ctx.client.frozen;
    await doomed.close();
    ctx.client.kill();
    const last = await dying;
    expect(last.claimed).toBe(10);
    expect(last.outcomes.filter((o) => o.kind === 'paid')).toHaveLength(1);
    const [done] = last.outcomes.filter((o) => o.kind === 'paid');
    const abandoned = orders.filter((o) => o.transId !== done.transId);
    for (const o of abandoned) {
      expect(await orderState(survivor.dataSource, o.id)).toMatchObject({ status: 'PENDING', attempts: 1, nextQueryAt: new Date(claimedAt.getTime() + lease * 1000) });
    }

    clock.advance(30);
    expect((await survivor.reconciliation.runOnce()).claimed).toBe(0);
    clock.advance(lease - 31);
    expect((await survivor.reconciliation.runOnce()).claimed).toBe(0);
    clock.advance(1);
    const takeover = await survivor.reconciliation.runOnce();
    expect(takeover.outcomes.map((o) => o.transId).sort()).toEqual(abandoned.map((o) => o.transId).sort());
    expect(takeover.outcomes.every((o) => o.kind === 'paid')).toBe(true);

    for (const o of orders) {
      expect(await orderState(survivor.dataSource, o.id)).toMatchObject({ status: 'PAID', version: 2, settledBy: 'query' });
      expect((await outboxOf(survivor.dataSource, o.id)).map((e) => e.type)).toEqual(['baofoo.payment.succeeded']);
      expect(sandbox.queries(o.transId).map((q) => q.checkResult)).toEqual(['Y']);
    }
    expect(sandbox.queries().filter((q) => q.refused)).toEqual([]);
  });
});

describe('An instance shut down mid-batch', () => {
  const ctx = twoInstances();

  it('hands back the orders it had not queried yet: another instance takes them a minute after the claim, not after the lease', async () => {
    const { clock, survivor, doomed: stopping, sandbox } = ctx;
    const { orders, claimedAt } = await paidUnnotified(ctx);
    const lease = survivor.reconciliation.leaseSeconds;

    const tick = stopping.reconciliation.runOnce();
    await ctx.client.frozen;
    // What ReconciliationCron.onModuleDestroy does first on shutdown; the query in flight then ends.
    stopping.reconciliation.stop();
    ctx.client.kill();
    const last = await tick;
    const unsent = last.outcomes.filter((o) => o.kind === 'skipped' && o.reason === 'the instance is shutting down');
    expect(unsent).toHaveLength(8);
    for (const o of orders.filter((x) => unsent.some((u) => u.transId === x.transId))) {
      expect(await orderState(survivor.dataSource, o.id)).toMatchObject({ status: 'PENDING', nextQueryAt: claimedAt });
    }

    // The one-query-a-minute rule still counts from the claim; the lease would have kept them for lease seconds.
    clock.advance(59);
    expect((await survivor.reconciliation.runOnce()).claimed).toBe(0);
    clock.advance(1);
    expect(lease).toBeGreaterThan(60);
    const takeover = await survivor.reconciliation.runOnce();
    expect(takeover.outcomes.map((o) => o.transId).sort()).toEqual(unsent.map((o) => o.transId).sort());
    expect(takeover.outcomes.every((o) => o.kind === 'paid')).toBe(true);
    for (const u of unsent) expect(sandbox.queries(u.transId).map((q) => q.checkResult)).toEqual(['Y']);
    expect(sandbox.queries().filter((q) => q.refused)).toEqual([]);
    await stopping.close();
  });
});
