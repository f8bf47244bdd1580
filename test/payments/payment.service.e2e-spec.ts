import { BaofooConfigError } from '../../src/baofoo/config/resolve-options.ts';
import { PaymentRequestError, PaymentService } from '../../src/baofoo/payments/payment.service.ts';
import { createTestApp, testOptions, type TestApp } from '../support/baofoo-test-app.ts';
import { rejectionOf } from '../support/rejection-of.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { md5, tableCounts } from '../notifications/notification-support.ts';

/** 2026-11-25 12:00:00 in Shanghai. */
const NOW = new Date('2026-11-25T04:00:00.000Z');

describe('PaymentService.createPayment', () => {
  let db: TestDatabase;
  let t: TestApp;
  let bound: TestApp;
  let payments: PaymentService;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await createTestApp(db.url, testOptions({ reconciliation: { enabled: false, firstQueryAfterSeconds: 90 } }), { clock: () => NOW });
    bound = await createTestApp(
      db.url,
      testOptions({ boundDomains: ['shop.example.com'], notification: { path: '/baofoo/notify', pagePath: '/baofoo/return', publicBaseUrl: 'https://shop.example.com', allowedIps: ['127.0.0.1'] } }),
    );
    payments = t.app.get(PaymentService);
  });
  afterAll(async () => {
    await t.close();
    await bound.close();
    await db.drop();
  });

  const refusal = (promise: Promise<unknown>) => rejectionOf(promise, PaymentRequestError);

  const fieldsOf = (e: PaymentRequestError) => (e.evidence.violations as { field: string }[]).map((v) => v.field);

  it('stores a PENDING order with the first reconciliation query scheduled, and signs the form per spec §2', async () => {
    const { order, form } = await payments.createPayment({ orderMoney: 12345, payId: '3002', transId: 'SHOP20261125A001', productName: '会员 1 个月', additionalInfo: 'cart=42' });
    expect(order).toMatchObject({ transId: 'SHOP20261125A001', payId: '3002', orderMoney: 12345, factMoney: null, status: 'PENDING', version: 1, tradeDate: '20261125120000' });
    const [row] = await t.dataSource.query(
      `SELECT status, version, next_query_at AS "nextQueryAt", product_name AS "productName", additional_info AS "additionalInfo", page_url AS "pageUrl", return_url AS "returnUrl"
         FROM baofoo_payment_orders WHERE trans_id = $1`,
      ['SHOP20261125A001'],
    );
    expect(row).toEqual({
      status: 'PENDING',
      version: 1,
      nextQueryAt: new Date(NOW.getTime() + 90_000),
      productName: '会员 1 个月',
      additionalInfo: 'cart=42',
      pageUrl: 'http://127.0.0.1:3000/baofoo/return',
      returnUrl: 'http://127.0.0.1:3000/baofoo/notify',
    });
    expect(form.fields.Signature).toBe(md5('100000178|3002|20261125120000|SHOP20261125A001|12345|http://127.0.0.1:3000/baofoo/return|http://127.0.0.1:3000/baofoo/notify|1|abcdefg'));
    expect(form.action).toBe('http://127.0.0.1:9/payindex');
  });

  it('generates a TransID when none is given and signs an empty PayID in its slot for the cashier', async () => {
    const { order, form } = await payments.createPayment({ orderMoney: 100 });
    const again = await payments.createPayment({ orderMoney: 100 });
    expect(order.transId).toMatch(/^[A-Za-z0-9]{8,20}$/);
    expect(again.order.transId).not.toBe(order.transId);
    expect(order.payId).toBe('');
    expect(form.fields.Signature).toBe(md5(`100000178||20261125120000|${order.transId}|100|http://127.0.0.1:3000/baofoo/return|http://127.0.0.1:3000/baofoo/notify|1|abcdefg`));
  });

  it('refuses a PayID that is not in the catalog and stores nothing', async () => {
    const before = await tableCounts(t.dataSource);
    const e = await refusal(payments.createPayment({ orderMoney: 100, payId: '9999' }));
    expect(e.code).toBe('PAYMENT_REQUEST_INVALID');
    expect(fieldsOf(e)).toContain('payId');
    expect(e.message).toContain('9999');
    expect(await tableCounts(t.dataSource)).toEqual(before);
  });

  it.each([
    ['zero', { orderMoney: 0 }, 'orderMoney'],
    ['a fraction of a fen', { orderMoney: 1.5 }, 'orderMoney'],
    ['negative', { orderMoney: -100 }, 'orderMoney'],
    ['a TransID shorter than 8 characters', { orderMoney: 100, transId: 'SHORT1' }, 'transId'],
    ['a TransID with punctuation', { orderMoney: 100, transId: 'SHOP-2026-0001' }, 'transId'],
    ['a product name over 64 characters', { orderMoney: 100, productName: 'x'.repeat(65) }, 'ProductName'],
    ['AdditionalInfo over 128 characters', { orderMoney: 100, additionalInfo: 'x'.repeat(129) }, 'AdditionalInfo'],
    ['a PageUrl longer than its column', { orderMoney: 100, pageUrl: `https://shop.example.com/${'p'.repeat(1000)}` }, 'PageUrl'],
    ['a page address equal to the notification address', { orderMoney: 100, pageUrl: 'http://127.0.0.1:3000/baofoo/notify' }, 'PageUrl'],
  ])('refuses an amount or field that is %s', async (_name, input, field) => {
    const before = await tableCounts(t.dataSource);
    expect(fieldsOf(await refusal(payments.createPayment(input)))).toContain(field);
    expect(await tableCounts(t.dataSource)).toEqual(before);
  });

  it('refuses a merchant that is not configured', async () => {
    const e = await refusal(payments.createPayment({ orderMoney: 100, memberId: '100000999' }));
    expect(e.code).toBe('MERCHANT_UNKNOWN');
  });

  it('picks the terminal a TerminalID names even without a MemberID, and refuses one that is not configured', async () => {
    const terminals = await createTestApp(
      db.url,
      testOptions({
        merchants: [
          { memberId: '100000178', terminalId: '10000001', keys: [{ id: 'k1', secret: 'abcdefg' }] },
          { memberId: '100000178', terminalId: '10000002', keys: [{ id: 't2', secret: 'terminal-two-key' }] },
        ],
      }),
    );
    try {
      const { order, form } = await terminals.app.get(PaymentService).createPayment({ orderMoney: 100, terminalId: '10000002' });
      expect([order.terminalId, form.fields.TerminalID]).toEqual(['10000002', '10000002']);
      const e = await refusal(terminals.app.get(PaymentService).createPayment({ orderMoney: 100, terminalId: '10000009' }));
      expect(e.code).toBe('MERCHANT_UNKNOWN');
    } finally {
      await terminals.close();
    }
  });

  it('refuses a TransID already used, even by two requests at once, and keeps the first order', async () => {
    const results = await Promise.allSettled([0, 1, 2].map(() => payments.createPayment({ orderMoney: 100, payId: '3002', transId: 'SHOPDUPLICATE001' })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason);
    expect(refused.map((e: PaymentRequestError) => [e.constructor.name, e.code])).toEqual([
      ['PaymentRequestError', 'TRANS_ID_TAKEN'],
      ['PaymentRequestError', 'TRANS_ID_TAKEN'],
    ]);
    const e = await refusal(payments.createPayment({ orderMoney: 999, payId: '3002', transId: 'SHOPDUPLICATE001' }));
    expect(e).toMatchObject({ code: 'TRANS_ID_TAKEN', evidence: { transId: 'SHOPDUPLICATE001' } });
    const rows = await t.dataSource.query(`SELECT order_money::int AS money FROM baofoo_payment_orders WHERE trans_id = 'SHOPDUPLICATE001'`);
    expect(rows).toEqual([{ money: 100 }]);
  });

  describe('with bound domains', () => {
    const create = (input: Record<string, unknown>) => bound.app.get(PaymentService).createPayment({ orderMoney: 100, payId: '3002', ...input });

    it('accepts addresses on a bound domain or one of its subdomains', async () => {
      const { form } = await create({ pageUrl: 'https://www.shop.example.com/paid', returnUrl: 'https://shop.example.com/baofoo/notify' });
      expect([form.fields.PageUrl, form.fields.ReturnUrl]).toEqual(['https://www.shop.example.com/paid', 'https://shop.example.com/baofoo/notify']);
    });

    it.each([
      ['another domain', 'https://evil.example.net/notify'],
      ['a look-alike suffix', 'https://evilshop.example.com/notify'],
      ['a bound name used as a subdomain elsewhere', 'https://shop.example.com.evil.net/notify'],
    ])('refuses a ReturnUrl on %s', async (_name, returnUrl) => {
      const e = await refusal(create({ returnUrl }));
      expect(fieldsOf(e)).toEqual(['returnUrl']);
    });

    it('refuses to boot, in any environment, when the public base URL is off the bound domains, naming both variables and options', async () => {
      const booted = createTestApp(db.url, testOptions({ boundDomains: ['shop.example.com'] }));
      const e = await booted.then(
        async (off) => {
          await off.close();
          return null;
        },
        (error: unknown) => error as Error,
      );
      expect(e).toBeInstanceOf(BaofooConfigError);
      for (const name of ['BAOFOO_PUBLIC_BASE_URL', 'notification.publicBaseUrl', 'BAOFOO_BOUND_DOMAINS', 'boundDomains', 'http://127.0.0.1:3000', 'shop.example.com']) {
        expect(e!.message).toContain(name);
      }
    });
  });
});
