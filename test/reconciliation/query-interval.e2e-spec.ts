import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BAOFOO_OPTIONS } from '../../src/baofoo/baofoo.constants.ts';
import type { ResolvedBaofooOptions } from '../../src/baofoo/config/resolved-options.ts';
import { GatewayQueryClient, type GatewayQueryResult, type QueryTarget } from '../../src/baofoo/reconciliation/gateway-query.client.ts';
import { BaofooSigner } from '../../src/baofoo/signing/baofoo-signer.service.ts';
import { startSandboxGateway, type SandboxGateway } from '../../src/sandbox/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { FakeClock, placeOrder, startInstance, type Instance } from './support.ts';

/** A query client that holds the query of one TransID until released, and says when that query was asked for. */
class HoldingClient extends GatewayQueryClient {
  held?: string;
  private release!: () => void;
  private readonly released = new Promise<void>((resolve) => (this.release = resolve));
  private asked!: () => void;
  readonly heldAsked = new Promise<void>((resolve) => (this.asked = resolve));

  override async query(target: QueryTarget): Promise<GatewayQueryResult> {
    if (target.transId === this.held) {
      this.asked();
      await this.released;
    }
    return super.query(target);
  }

  letGo(): void {
    this.release();
  }
}

/**
 * The gateway answers at most one query per order per minute (spec §4). A
 * tick sends its claimed orders' queries one after another, so an order's
 * turn can come minutes after its claim; an on-demand query of that order in
 * between must not be followed by the tick's own.
 */
describe('an order a tick claimed but has not queried yet', () => {
  const clock = new FakeClock();
  let db: TestDatabase;
  let sandbox: SandboxGateway;
  let shop: Instance;
  let client!: HoldingClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    sandbox = await startSandboxGateway({ clock: clock.now, retryDelaysMs: [0], queryMinIntervalMs: 60_000 });
    shop = await startInstance(db.url, sandbox.url, clock, {
      reconciliation: { concurrency: 1 },
      override: {
        provide: GatewayQueryClient,
        useFactory: (options: ResolvedBaofooOptions, signer: BaofooSigner) => (client = new HoldingClient(options, signer)),
        inject: [BAOFOO_OPTIONS, BaofooSigner],
      },
    });
  });

  afterAll(async () => {
    await shop?.close();
    await sandbox?.stop();
    await db?.drop();
  });

  it('is queried once when an on-demand query comes before its turn: the tick skips it instead of asking again within the minute', async () => {
    const first = await placeOrder(shop, sandbox);
    clock.advance(1);
    const later = await placeOrder(shop, sandbox);
    client.held = first.transId;
    clock.advance(60);

    // The tick claims both and sends the first order's query, which waits; the other's turn comes after it.
    const tick = shop.reconciliation.runOnce();
    await client.heldAsked;
    clock.advance(61);
    const onDemand = await shop.reconciliation.reconcile(later.transId);
    client.letGo();
    const run = await tick;

    expect(onDemand.kind).not.toBe('too-soon');
    expect(run.outcomes.find((o) => o.transId === later.transId)).toMatchObject({ kind: 'skipped', reason: 'another claim queried the order meanwhile' });
    expect(sandbox.queries(later.transId)).toHaveLength(1);
    expect(sandbox.queries().filter((q) => q.refused)).toEqual([]);
  });
});
