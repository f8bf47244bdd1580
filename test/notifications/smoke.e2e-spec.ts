import request from 'supertest';
import { RefusalRecorder } from '../../src/baofoo/notifications/refusal.recorder.ts';
import { PaymentService } from '../../src/baofoo/payments/payment.service.ts';
import { ADAPTERS, useTestApp, TEST_MERCHANT } from '../support/baofoo-test-app.ts';
import { md5 } from '../support/independent-md5.ts';


describe.each(ADAPTERS)('a notification end to end (%s)', (adapter) => {
  const t = useTestApp(undefined, { adapter });

  it('settles a created payment once and answers OK', async () => {
    const { order, form } = await t.app.get(PaymentService).createPayment({ orderMoney: 100, payId: '3002' });
    expect(form.fields.Signature).toBe(md5(`100000178|3002|${order.tradeDate}|${order.transId}|100|http://127.0.0.1:3000/baofoo/return|http://127.0.0.1:3000/baofoo/notify|1|abcdefg`));
    const f = { MemberID: TEST_MERCHANT.memberId, TerminalID: TEST_MERCHANT.terminalId, TransID: order.transId, Result: '1', ResultDesc: '01', FactMoney: '100', AdditionalInfo: '', SuccTime: '20261125120000' };
    const sign = md5(Object.entries(f).map(([k, v]) => `${k}=${v}`).join('~|~') + '~|~Md5Sign=abcdefg');
    const res = await request(t.app.getHttpServer()).post('/baofoo/notify').type('form').send({ ...f, Md5Sign: sign, BankID: '3002' });
    expect(res.status).toBe(200);
    expect(res.text).toBe('OK');
    const [row] = await t.dataSource.query('SELECT status, version, fact_money::int AS fact FROM baofoo_payment_orders WHERE trans_id = $1', [order.transId]);
    expect(row).toEqual({ status: 'PAID', version: 2, fact: 100 });
    const bad = await request(t.app.getHttpServer()).post('/baofoo/notify').type('form').send({ ...f, Md5Sign: sign.replace(/^./, (c) => (c === '0' ? '1' : '0')) });
    expect(bad.status).toBe(400);
    expect(bad.text).toBe('FAIL UNVERIFIED');
    // An unsigned refusal reaches the ledger, as a sample, with the recorder's next flush.
    await t.app.get(RefusalRecorder).flush();
    const get = await request(t.app.getHttpServer()).get('/baofoo/notify').query({ ...f, Md5Sign: sign });
    expect(get.text).toBe('OK');
    const ledger = await t.dataSource.query('SELECT verdict, http_status FROM baofoo_notification_ledger ORDER BY id');
    expect(ledger).toEqual([
      { verdict: 'applied', http_status: 200 },
      { verdict: 'rejected', http_status: 400 },
      { verdict: 'duplicate', http_status: 200 },
    ]);
  });
});
