import type { AddressInfo } from 'node:net';
import { runRefusalFlood } from '../../bench/refusal-flood.run.ts';
import { RefusalRecorder } from '../../src/baofoo/notifications/refusal.recorder.ts';
import { useTestApp } from '../support/baofoo-test-app.ts';
import { formBody, pendingOrder, successFields } from './notification-support.ts';

/**
 * An outsider floods the notification address with unsigned requests from one
 * address while the gateway's signed notifications arrive. The full 50,000 run
 * is `bench/refusal-flood.ts`; this one is smaller to stay quick.
 */

const UNSIGNED = 3000;
const SIGNED = 40;
const SAMPLES_PER_SOURCE = 5;

async function rowCounts(t: ReturnType<typeof useTestApp>): Promise<Record<string, number>> {
  const [row] = await t.dataSource.query(
    `SELECT (SELECT count(*) FROM baofoo_notification_ledger)::int AS ledger, (SELECT count(*) FROM baofoo_outbox)::int AS outbox,
            (SELECT count(*) FROM baofoo_refusal_counts)::int AS "refusalCounts", (SELECT count(*) FROM baofoo_payment_orders)::int AS orders`,
  );
  return row;
}

describe('a flood of unsigned requests from one address', () => {
  const t = useTestApp();

  it('grows the database by a bounded number of rows, raises no event, and every signed notification sent meanwhile is answered OK', async () => {
    const orders = [];
    for (let i = 0; i < SIGNED; i++) orders.push(await pendingOrder(t, 100 + i));
    const recorder = t.app.get(RefusalRecorder);
    await recorder.flush();
    const before = await rowCounts(t);

    const result = await runRefusalFlood({
      port: (t.app.getHttpServer().address() as AddressInfo).port,
      path: '/baofoo/notify',
      unsigned: UNSIGNED,
      connections: 32,
      signed: orders.map((o) => formBody(successFields(o.transId, o.orderMoney))),
    });
    await recorder.flush();
    const after = await rowCounts(t);

    expect(result.signedOk).toBe(SIGNED);
    expect(result.unsignedAnswers).toEqual({ 400: UNSIGNED });
    // The run may straddle one window boundary: at most two windows of samples and count rows.
    const windows = 2;
    expect(after.outbox - before.outbox).toBe(SIGNED);
    expect(after.ledger - before.ledger).toBeGreaterThanOrEqual(SIGNED + SAMPLES_PER_SOURCE);
    expect(after.ledger - before.ledger).toBeLessThanOrEqual(SIGNED + windows * SAMPLES_PER_SOURCE);
    expect(after.refusalCounts - before.refusalCounts).toBeGreaterThanOrEqual(2);
    expect(after.refusalCounts - before.refusalCounts).toBeLessThanOrEqual(windows * 2);
    const [{ counted }] = await t.dataSource.query(`SELECT sum(count)::int AS counted FROM baofoo_refusal_counts WHERE source_ip = '127.0.0.1'`);
    expect(counted).toBe(UNSIGNED);
    const [{ paid }] = await t.dataSource.query(`SELECT count(*)::int AS paid FROM baofoo_payment_orders WHERE status = 'PAID'`);
    expect(paid).toBe(SIGNED);
    process.stdout.write(
      `flood: ${UNSIGNED} unsigned in ${Math.round(result.elapsedMs)} ms, rows +${after.ledger - before.ledger} ledger (${SIGNED} signed), +${after.refusalCounts - before.refusalCounts} counts, +${after.outbox - before.outbox} outbox; signed OK ${result.signedOk}/${SIGNED}\n`,
    );
  }, 180_000);
});
