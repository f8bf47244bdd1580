import iconv from 'iconv-lite';
import request from 'supertest';
import { deliverNotification, signedNotification } from '../../src/baofoo/testing/index.ts';
import { ADAPTERS, useTestApp, testOptions } from '../support/baofoo-test-app.ts';
import { formBody, ledgerRows, orderState, pendingOrder, specSign, successFields } from './notification-support.ts';

/** Spec §8: the MD5 input and the form's percent-encoded bytes are in the merchant's charset. */
describe.each(ADAPTERS.flatMap((a) => [[a, 'gbk'], [a, 'utf-8']] as const))('on %s, a module configured for %s', (adapter, charset) => {
  const other = charset === 'gbk' ? 'utf-8' : 'gbk';
  const info = '宝付测试订单：商品一件';
  const t = useTestApp(testOptions({ charset }), { adapter });

  const post = (body: string) => request(t.app.getHttpServer()).post('/baofoo/notify').type('form').send(body);

  it('accepts Chinese AdditionalInfo percent-encoded and signed in its charset, and records it decoded', async () => {
    const { transId } = await pendingOrder(t, 600, '3002', info);
    const unsigned = successFields(transId, 600, { AdditionalInfo: info });
    const f = { ...unsigned, Md5Sign: specSign(unsigned, 'abcdefg', charset) };
    expect(f.Md5Sign).not.toBe(specSign(unsigned, 'abcdefg', other));
    const body = formBody(f, charset);
    expect(body).toContain(`AdditionalInfo=${[...iconv.encode(info, charset === 'gbk' ? 'gbk' : 'utf8')].map((b) => `%${b.toString(16).toUpperCase()}`).join('')}`);
    const res = await post(body);
    expect([res.status, res.text]).toEqual([200, 'OK']);
    expect(await orderState(t.dataSource, transId)).toMatchObject({ status: 'PAID', version: 2 });
    const [ledger] = await ledgerRows(t.dataSource, 'trans_id = $1', [transId]);
    expect(ledger.fields?.AdditionalInfo).toBe(info);
    expect(ledger.rawBody).toBe(body);
  });

  it(`refuses the same notification signed and encoded in ${other} with 400`, async () => {
    const { transId } = await pendingOrder(t, 600);
    const unsigned = successFields(transId, 600, { AdditionalInfo: info });
    const res = await post(formBody({ ...unsigned, Md5Sign: specSign(unsigned, 'abcdefg', other) }, other));
    expect([res.status, res.text]).toEqual([400, 'FAIL UNVERIFIED']);
    expect(await orderState(t.dataSource, transId)).toMatchObject({ status: 'PENDING', version: 1 });
  });

  it('accepts what the testing kit builds for the same charset', async () => {
    const { transId } = await pendingOrder(t, 600, '3002', info);
    const n = signedNotification({ transId, result: 'success', factMoney: 600, additionalInfo: info, charset });
    expect(n.fields.Md5Sign).toBe(specSign(n.fields, 'abcdefg', charset));
    expect(await deliverNotification(t.app.getHttpServer(), '/baofoo/notify', n, { method: 'GET' })).toMatchObject({ status: 200, body: 'OK' });
    expect(await orderState(t.dataSource, transId)).toMatchObject({ status: 'PAID' });
  });
});
