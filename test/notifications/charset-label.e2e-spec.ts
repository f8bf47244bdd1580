import type { IncomingMessage } from 'node:http';
import request from 'supertest';
import { PaymentService } from '../../src/baofoo/payments/payment.service.ts';
import { PUBLISHED_TEST_MERCHANT, startSandboxGateway, type SandboxGateway } from '../../src/sandbox/index.ts';
import { ADAPTERS, useTestApp, testOptions } from '../support/baofoo-test-app.ts';
import { formBody, ledgerRows, orderState, specSign, successFields } from './notification-support.ts';

/**
 * A gbk merchant's results, labelled `charset=GBK` or not, reach the module
 * whatever body parsers the app has: the notification route reads its own
 * bytes (NotificationIntake), so no parser answers 415 or decodes them as UTF-8.
 */
const APPS = ADAPTERS.flatMap((adapter) => [true, false].map((rawBody) => [adapter, rawBody] as const));

describe.each(APPS)('a gbk merchant on %s with rawBody %s', (adapter, rawBody) => {
  const info = '宝付测试订单：商品一件';
  const t = useTestApp(testOptions({ charset: 'gbk' }), { adapter, appOptions: { rawBody } });
  const sandboxes: Record<'labelled' | 'unlabelled', SandboxGateway | undefined> = { labelled: undefined, unlabelled: undefined };
  const contentTypes = new Map<string, string | undefined>();

  beforeAll(async () => {
    const merchants = [{ ...PUBLISHED_TEST_MERCHANT, charset: 'gbk' as const }];
    sandboxes.labelled = await startSandboxGateway({ merchants, labelCharset: true, retryDelaysMs: [0] });
    sandboxes.unlabelled = await startSandboxGateway({ merchants, retryDelaysMs: [0] });
    // Ahead of everything, the Content-Type as it arrived on the wire.
    t.app.getHttpServer().prependListener('request', (req: IncomingMessage) => {
      if (req.method === 'POST') contentTypes.set(String(req.headers['user-agent']) + (req.url ?? ''), req.headers['content-type']);
    });
  });
  afterAll(async () => {
    await sandboxes.labelled?.stop();
    await sandboxes.unlabelled?.stop();
  });

  it.each([
    ['labelled', 'application/x-www-form-urlencoded; charset=GBK'],
    ['unlabelled', 'application/x-www-form-urlencoded'],
  ] as const)('settles an order whose %s result the sandbox delivers, and records its Chinese text decoded', async (which, contentType) => {
    const sandbox = sandboxes[which]!;
    const base = await t.app.getUrl();
    const { order, form } = await t.app.get(PaymentService).createPayment({
      orderMoney: 600,
      payId: '3002',
      additionalInfo: info,
      returnUrl: `${base}/baofoo/notify`,
      pageUrl: `${base}/baofoo/return`,
    });
    const submitted = await fetch(sandbox.payindexUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: formBody(form.fields as unknown as Record<string, string>, 'gbk'),
    });
    expect(submitted.status).toBe(200);
    await submitted.text();
    await sandbox.pay(order.transId, { result: 'paid' });
    const report = await sandbox.waitForDelivery(order.transId);
    expect(report.attempts.map((a) => [a.status, a.responseText])).toEqual([[200, 'OK']]);
    expect(report.outcome).toBe('delivered');
    expect(contentTypes.get('baofoo-sandbox/baofoo/notify')).toBe(contentType);
    expect(await orderState(t.dataSource, order.transId)).toMatchObject({ status: 'PAID', version: 2 });
    const [ledger] = await ledgerRows(t.dataSource, 'trans_id = $1', [order.transId]);
    expect(ledger.fields?.AdditionalInfo).toBe(info);
  });

  it.each(['GBK', 'gbk', 'UTF-8'])('takes a form POST labelled charset=%s as the merchant\'s gbk bytes', async (label) => {
    const { order } = await t.app.get(PaymentService).createPayment({ orderMoney: 700, payId: '3002' });
    const unsigned = successFields(order.transId, 700, { AdditionalInfo: info });
    const body = formBody({ ...unsigned, Md5Sign: specSign(unsigned, 'abcdefg', 'gbk') }, 'gbk');
    const res = await request(t.app.getHttpServer()).post('/baofoo/notify').set('content-type', `application/x-www-form-urlencoded; charset=${label}`).send(body);
    expect([res.status, res.text]).toEqual([200, 'OK']);
    const [ledger] = await ledgerRows(t.dataSource, 'trans_id = $1', [order.transId]);
    expect(ledger.rawBody).toBe(body);
  });
});
