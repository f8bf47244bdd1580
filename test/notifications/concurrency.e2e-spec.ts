import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { deliverNotification, signedNotification } from '../../src/baofoo/testing/index.ts';
import { ADAPTERS, createTestApp, type TestApp } from '../support/baofoo-test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { ledgerRows, orderState, outboxRows, pendingOrder, specSign } from './notification-support.ts';

/**
 * The gateway may deliver the same notification many times at the same
 * moment (spec §7.7). Whatever the interleaving, exactly one delivery moves
 * the order and every delivery is answered OK.
 */
describe.each(ADAPTERS)('identical notifications delivered concurrently (%s)', (adapter) => {
  let db: TestDatabase;
  let t: TestApp;
  let agent: http.Agent;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await createTestApp(db.url, undefined, { adapter });
    agent = new http.Agent({ keepAlive: true, maxSockets: 500 });
  });
  afterAll(async () => {
    agent.destroy();
    await t.close();
    await db.drop();
  });

  async function burst(copies: number): Promise<{ transId: string; answers: { status: number; body: string }[]; ms: number }> {
    const { transId } = await pendingOrder(t, 100);
    const n = signedNotification({ transId, result: 'success', factMoney: 100, succTime: '20261125120000' });
    expect(n.fields.Md5Sign).toBe(specSign(n.fields));
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: copies }, () => deliverNotification(t.app.getHttpServer(), '/baofoo/notify', n, { agent })));
    return { transId, answers, ms: performance.now() - started };
  }

  async function expectSettledOnce(transId: string, copies: number): Promise<void> {
    expect(await orderState(t.dataSource, transId)).toMatchObject({ status: 'PAID', version: 2, fact: 100 });
    const verdicts = (await ledgerRows(t.dataSource, 'trans_id = $1', [transId])).map((r) => r.verdict);
    expect(verdicts.filter((v) => v === 'applied')).toHaveLength(1);
    expect(verdicts.filter((v) => v === 'duplicate')).toHaveLength(copies - 1);
    expect((await outboxRows(t.dataSource, 'trans_id = $1', [transId])).map((r) => r.type)).toEqual(['baofoo.payment.succeeded']);
  }

  it('settles each of 20 orders exactly once under 50 simultaneous copies and answers every copy OK', async () => {
    for (let round = 0; round < 20; round++) {
      const { transId, answers } = await burst(50);
      expect(answers.filter((a) => a.status !== 200 || a.body !== 'OK')).toEqual([]);
      await expectSettledOnce(transId, 50);
    }
  }, 30_000);

  it('settles an order exactly once under 500 simultaneous copies and answers every copy OK', async () => {
    const { transId, answers, ms } = await burst(500);
    expect(answers.filter((a) => a.status !== 200 || a.body !== 'OK')).toEqual([]);
    await expectSettledOnce(transId, 500);
    process.stdout.write(`500 concurrent copies answered in ${Math.round(ms)} ms\n`);
  }, 30_000);

  it('ends a race of 50 successes against 50 failures PAID with one success event and every copy answered OK', async () => {
    const { transId } = await pendingOrder(t, 100);
    const paid = signedNotification({ transId, result: 'success', factMoney: 100, succTime: '20261125120000' });
    const failed = signedNotification({ transId, result: 'failure', resultDesc: '0001', factMoney: 0, succTime: '' });
    const copies = Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? paid : failed));
    const answers = await Promise.all(copies.map((n) => deliverNotification(t.app.getHttpServer(), '/baofoo/notify', n, { agent })));
    expect(answers.filter((a) => a.status !== 200 || a.body !== 'OK')).toEqual([]);
    const order = await orderState(t.dataSource, transId);
    expect(order).toMatchObject({ status: 'PAID', fact: 100, resultDesc: '01' });
    const types = (await outboxRows(t.dataSource, 'trans_id = $1', [transId])).map((r) => r.type);
    expect(types.filter((type) => type === 'baofoo.payment.succeeded')).toHaveLength(1);
    // Either the failure landed first (then the success is late) or it came after the success (then it is an anomaly).
    expect(order.version).toBe(types.includes('baofoo.payment.failed') ? 3 : 2);
    expect(types.filter((type) => type === 'baofoo.payment.failed').length).toBeLessThanOrEqual(1);
    expect(await ledgerRows(t.dataSource, 'trans_id = $1', [transId])).toHaveLength(100);
  }, 30_000);
});
