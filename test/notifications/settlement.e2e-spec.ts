import request from 'supertest';
import { RESULT_FIXTURES, describeFixture, deliverNotification, signedNotification, type ResultFixture } from '../../src/baofoo/testing/index.ts';
import { ADAPTERS, useTestApp } from '../support/baofoo-test-app.ts';
import { formBody, ledgerRows, orderState, outboxRows, pendingOrder, successFields } from './notification-support.ts';

/** What a valid notification does to an order (docs/architecture/settlement.md, Order states), answered OK each time. */
describe.each(ADAPTERS)('a valid notification (%s)', (adapter) => {
  const t = useTestApp(undefined, { adapter });

  const deliver = (n: ReturnType<typeof signedNotification>, method: 'POST' | 'GET' = 'POST') => deliverNotification(t.app.getHttpServer(), '/baofoo/notify', n, { method });
  const success = (transId: string, factMoney: number) => signedNotification({ transId, result: 'success', factMoney, succTime: '20261125120000' });
  const failure = (transId: string, resultDesc = '0000') => signedNotification({ transId, result: 'failure', resultDesc, factMoney: 0, succTime: '' });
  const events = async (transId: string) => (await outboxRows(t.dataSource, 'trans_id = $1', [transId])).map((e) => e.type);
  const verdicts = async (transId: string) => (await ledgerRows(t.dataSource, 'trans_id = $1', [transId])).map((l) => l.verdict);

  it('sends a bank order paid a different amount to REVIEW, records what was paid, and answers OK', async () => {
    const { transId } = await pendingOrder(t, 10000, '3002');
    expect(await deliver(success(transId, 9999))).toMatchObject({ status: 200, body: 'OK' });
    expect(await orderState(t.dataSource, transId)).toMatchObject({ status: 'REVIEW', version: 2, fact: 9999 });
    expect(await verdicts(transId)).toEqual(['review']);
    const [event] = await outboxRows(t.dataSource, 'trans_id = $1', [transId]);
    expect(event).toMatchObject({ type: 'baofoo.payment.review_required', payload: { factMoney: 9999, orderMoney: 10000, status: 'REVIEW', previousStatus: 'PENDING' } });
    expect(await deliver(success(transId, 9999))).toMatchObject({ status: 200, body: 'OK' });
    expect(await orderState(t.dataSource, transId)).toMatchObject({ status: 'REVIEW', version: 2 });
    expect(await events(transId)).toEqual(['baofoo.payment.review_required']);
  });

  it('raises an anomaly when a success names another amount for a REVIEW order that has money, as for a PAID one, and changes nothing', async () => {
    const { transId } = await pendingOrder(t, 10000, '3002');
    await deliver(success(transId, 9999));
    const review = await orderState(t.dataSource, transId);
    expect(await deliver(success(transId, 9000))).toMatchObject({ status: 200, body: 'OK' });
    expect(await orderState(t.dataSource, transId)).toEqual(review);
    expect(await verdicts(transId)).toEqual(['review', 'ignored']);
    const anomalies = (await outboxRows(t.dataSource, 'trans_id = $1', [transId])).filter((e) => e.type === 'baofoo.payment.anomaly');
    expect(anomalies.map((e) => e.payload.reason)).toEqual(['success for 9000 fen after REVIEW with 9999']);
  });

  it('settles a prepaid card paid below the order amount as PAID with the amount actually paid', async () => {
    const { transId } = await pendingOrder(t, 10000, '101');
    expect(await deliver(success(transId, 5000))).toMatchObject({ status: 200, body: 'OK' });
    expect(await orderState(t.dataSource, transId)).toMatchObject({ status: 'PAID', version: 2, fact: 5000, resultDesc: '01' });
    const [event] = await outboxRows(t.dataSource, 'trans_id = $1', [transId]);
    expect(event).toMatchObject({ type: 'baofoo.payment.succeeded', payload: { factMoney: 5000, orderMoney: 10000, late: false } });
  });

  it('sends a prepaid card paid more than the order to REVIEW', async () => {
    const { transId } = await pendingOrder(t, 10000, '101');
    expect(await deliver(success(transId, 10001))).toMatchObject({ status: 200, body: 'OK' });
    expect(await orderState(t.dataSource, transId)).toMatchObject({ status: 'REVIEW', fact: 10001 });
  });

  it('leaves a PAID order as it is on a later failure, records it as ignored and raises an anomaly', async () => {
    const { transId } = await pendingOrder(t, 2500);
    await deliver(success(transId, 2500));
    const paid = await orderState(t.dataSource, transId);
    expect(await deliver(failure(transId))).toMatchObject({ status: 200, body: 'OK' });
    expect(await orderState(t.dataSource, transId)).toEqual(paid);
    expect(paid).toMatchObject({ status: 'PAID', version: 2, fact: 2500 });
    const ledger = await ledgerRows(t.dataSource, 'trans_id = $1', [transId]);
    expect(ledger.map((l) => [l.verdict, l.fromStatus, l.toStatus])).toEqual([
      ['applied', 'PENDING', 'PAID'],
      ['ignored', 'PAID', 'PAID'],
    ]);
    expect(await events(transId)).toEqual(['baofoo.payment.succeeded', 'baofoo.payment.anomaly']);
  });

  it('raises one anomaly per order and kind however many copies of a failure after PAID arrive, even at once, and records every copy', async () => {
    const { transId } = await pendingOrder(t, 2600);
    await deliver(success(transId, 2600));
    const copies = await Promise.all(Array.from({ length: 8 }, () => deliver(failure(transId))));
    expect(copies.map((c) => c.body)).toEqual(Array(8).fill('OK'));
    expect(await deliver(failure(transId, '0002'))).toMatchObject({ body: 'OK' });
    expect(await deliver(success(transId, 2601))).toMatchObject({ body: 'OK' });
    expect(await deliver(success(transId, 2601))).toMatchObject({ body: 'OK' });
    expect(await verdicts(transId)).toEqual(['applied', ...Array(11).fill('ignored')]);
    const anomalies = (await outboxRows(t.dataSource, 'trans_id = $1', [transId])).filter((e) => e.type === 'baofoo.payment.anomaly');
    expect(anomalies.map((e) => e.payload.reason)).toEqual(['failure after the order was PAID: no downgrade', 'success for 2601 fen after PAID with 2600']);
  });

  it('pays a FAILED order late when a valid success arrives afterwards', async () => {
    const { transId } = await pendingOrder(t, 800);
    expect(await deliver(failure(transId, '0002'))).toMatchObject({ body: 'OK' });
    expect(await orderState(t.dataSource, transId)).toMatchObject({ status: 'FAILED', version: 2, fact: null, resultDesc: '0002' });
    expect(await deliver(success(transId, 800))).toMatchObject({ body: 'OK' });
    expect(await orderState(t.dataSource, transId)).toMatchObject({ status: 'PAID', version: 3, fact: 800, resultDesc: '01' });
    const rows = await outboxRows(t.dataSource, 'trans_id = $1', [transId]);
    // Only a success can be late: the failed event has no such field.
    expect(rows.map((e) => [e.type, e.payload.late])).toEqual([
      ['baofoo.payment.failed', undefined],
      ['baofoo.payment.succeeded', true],
    ]);
  });

  it('raises the AdditionalInfo difference once per order however many copies and later results echo it, and records every copy', async () => {
    const { transId } = await pendingOrder(t, 1200, '3002', 'member=1');
    const echoed = { additionalInfo: 'member=2' };
    const failed = signedNotification({ transId, result: 'failure', resultDesc: '0000', factMoney: 0, succTime: '', ...echoed });
    const copies = [failed, failed, failed, failed];
    expect(await deliver(failed)).toMatchObject({ body: 'OK' });
    expect((await Promise.all(copies.map((c) => deliver(c)))).map((r) => r.body)).toEqual(Array(4).fill('OK'));
    // The late success echoes the same difference: the order moves (to REVIEW, the default) with its own event, the flag is not raised again.
    expect(await deliver(signedNotification({ transId, result: 'success', factMoney: 1200, succTime: '20261125120000', ...echoed }))).toMatchObject({ body: 'OK' });

    expect(await orderState(t.dataSource, transId)).toMatchObject({ status: 'REVIEW', fact: 1200 });
    const ledger = await ledgerRows(t.dataSource, 'trans_id = $1', [transId]);
    expect(ledger.map((l) => [l.verdict, l.reasonCode])).toEqual([
      ['applied', 'ADDITIONAL_INFO_MISMATCH'],
      ...Array(4).fill(['duplicate', 'ADDITIONAL_INFO_MISMATCH']),
      ['review', 'ADDITIONAL_INFO_MISMATCH'],
    ]);
    expect(await events(transId)).toEqual(['baofoo.payment.failed', 'baofoo.notification.additional_info_mismatch', 'baofoo.payment.review_required']);
  });

  it('counts a repeated failure as a duplicate that changes nothing', async () => {
    const { transId } = await pendingOrder(t, 800);
    await deliver(failure(transId));
    expect(await deliver(failure(transId))).toMatchObject({ body: 'OK' });
    expect(await orderState(t.dataSource, transId)).toMatchObject({ status: 'FAILED', version: 2 });
    expect(await verdicts(transId)).toEqual(['applied', 'duplicate']);
  });

  const failures = Object.values(RESULT_FIXTURES).filter((f) => f.result === 'failure') as ResultFixture[];

  it.each(failures.map((f) => [describeFixture(f), f] as const))('fails a pending order on result code %s and keeps the code', async (_name, fixture) => {
    const { transId } = await pendingOrder(t, 100);
    const n = signedNotification({ transId, factMoney: 0, succTime: '', ...fixture });
    expect(await deliver(n)).toMatchObject({ status: 200, body: 'OK' });
    expect(await orderState(t.dataSource, transId)).toMatchObject({ status: 'FAILED', version: 2, resultDesc: fixture.resultDesc });
    expect(await events(transId)).toEqual(['baofoo.payment.failed']);
  });

  it('settles a notification delivered by GET with its fields in the query string', async () => {
    const { transId } = await pendingOrder(t, 4200);
    const f = successFields(transId, 4200);
    const res = await request(t.app.getHttpServer()).get(`/baofoo/notify?${formBody(f)}`);
    expect([res.status, res.text]).toEqual([200, 'OK']);
    expect(await orderState(t.dataSource, transId)).toMatchObject({ status: 'PAID', version: 2 });
    const [ledger] = await ledgerRows(t.dataSource, 'trans_id = $1', [transId]);
    expect(ledger).toMatchObject({ verdict: 'applied', method: 'GET', rawBody: formBody(f) });
  });

  it('accepts unsigned extra fields and keeps them in the audit record', async () => {
    const { transId } = await pendingOrder(t, 4300);
    const f = successFields(transId, 4300);
    const res = await request(t.app.getHttpServer()).post('/baofoo/notify').type('form').send(formBody({ ...f, BankID: '3002', Channel: 'web' }));
    expect([res.status, res.text]).toEqual([200, 'OK']);
    expect(await orderState(t.dataSource, transId)).toMatchObject({ status: 'PAID' });
    const [ledger] = await ledgerRows(t.dataSource, 'trans_id = $1', [transId]);
    expect(ledger.fields).toEqual({ ...f, BankID: '3002', Channel: 'web' });
    expect(ledger.keyId).toBe('k1');
  });

  it('answers OK to the same success by POST and by GET, settling once', async () => {
    const { transId } = await pendingOrder(t, 4400);
    const n = success(transId, 4400);
    expect(await deliver(n, 'GET')).toMatchObject({ body: 'OK' });
    expect(await deliver(n, 'POST')).toMatchObject({ body: 'OK' });
    expect(await orderState(t.dataSource, transId)).toMatchObject({ status: 'PAID', version: 2 });
    expect(await verdicts(transId)).toEqual(['applied', 'duplicate']);
  });
});
