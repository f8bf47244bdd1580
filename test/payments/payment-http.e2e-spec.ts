import { Body, Controller, Get, Inject, NotFoundException, Param, Post, Query } from '@nestjs/common';
import type { CreatePaymentDto } from '../../src/baofoo/payments/create-payment.dto.ts';
import { PaymentOrders } from '../../src/baofoo/payments/payment-orders.service.ts';
import { PaymentService } from '../../src/baofoo/payments/payment.service.ts';
import { ADAPTERS, createTestApp, TEST_MERCHANT, testOptions, type TestApp } from '../support/baofoo-test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { tableCounts } from '../notifications/notification-support.ts';

/** A shop's own controller, as a user writes it: no try/catch around createPayment. */
@Controller('checkout')
class ShopCheckoutController {
  constructor(@Inject(PaymentService) private readonly payments: PaymentService) {}

  @Post()
  async checkout(@Body() body: CreatePaymentDto): Promise<{ transId: string }> {
    const { order } = await this.payments.createPayment(body);
    return { transId: order.transId };
  }
}

/** A shop's order page, as a user writes it: the shopper's TransID straight to `find`, no try/catch. */
@Controller('orders')
class ShopOrdersController {
  constructor(@Inject(PaymentOrders) private readonly orders: PaymentOrders) {}

  @Get(':transId')
  async order(@Param('transId') transId: string, @Query('memberId') memberId?: string): Promise<{ memberId: string; orderMoney: number }> {
    const order = await this.orders.find(transId, { memberId });
    if (!order) throw new NotFoundException();
    return { memberId: order.memberId, orderMoney: order.orderMoney };
  }
}

const SECOND_MERCHANT = { memberId: '100000888', terminalId: '10000888', keys: [{ id: 'k8', secret: 'second-key' }] };

describe.each(ADAPTERS)('a refused payment request or order lookup through an app controller on %s', (adapter) => {
  let db: TestDatabase;
  let t: TestApp;
  let url: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await createTestApp(
      db.url,
      testOptions({
        boundDomains: ['shop.example.com'],
        notification: { path: '/baofoo/notify', pagePath: '/baofoo/return', publicBaseUrl: 'https://shop.example.com', allowedIps: ['127.0.0.1'] },
        // The first merchant stays the default; the second lets two orders share a TransID.
        merchants: [{ memberId: TEST_MERCHANT.memberId, terminalId: TEST_MERCHANT.terminalId, keys: [{ id: 'k1', secret: TEST_MERCHANT.key }] }, SECOND_MERCHANT],
      }),
      { adapter, controllers: [ShopCheckoutController, ShopOrdersController] },
    );
    url = `${await t.app.getUrl()}/checkout`;
  });
  afterAll(async () => {
    await t.close();
    await db.drop();
  });

  const post = async (body: Record<string, unknown>) => {
    const res = await fetch(url.replace('[::1]', '127.0.0.1'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  // `path` as the shopper's browser would send it, already encoded.
  const get = async (path: string) => {
    const res = await fetch(url.replace('[::1]', '127.0.0.1').replace(/\/checkout$/, `/orders/${path}`));
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('answers 201 for a good request', async () => {
    const res = await post({ orderMoney: 100, payId: '3002', transId: `HTTP${adapter.toUpperCase()}0001` });
    expect(res).toEqual({ status: 201, body: { transId: `HTTP${adapter.toUpperCase()}0001` } });
  });

  it('answers 400 PAYMENT_REQUEST_INVALID, naming the field, for a PageUrl off the bound domains, and stores nothing', async () => {
    const before = await tableCounts(t.dataSource);
    const res = await post({ orderMoney: 100, pageUrl: 'https://evil.example.net/paid' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'PAYMENT_REQUEST_INVALID', evidence: { violations: [{ field: 'pageUrl' }] } });
    expect(res.body.message).toContain('evil.example.net is not on a bound domain');
    expect(await tableCounts(t.dataSource)).toEqual(before);
  });

  it('answers 400 PAYMENT_REQUEST_INVALID for an amount that is not whole fen', async () => {
    const res = await post({ orderMoney: 1.5 });
    expect(res).toMatchObject({ status: 400, body: { code: 'PAYMENT_REQUEST_INVALID', evidence: { violations: expect.arrayContaining([expect.objectContaining({ field: 'orderMoney' })]) } } });
  });

  it('answers 400 MERCHANT_UNKNOWN for a merchant that is not configured', async () => {
    const res = await post({ orderMoney: 100, memberId: '100000999' });
    expect(res).toMatchObject({ status: 400, body: { statusCode: 400, code: 'MERCHANT_UNKNOWN' } });
  });

  it('answers 409 TRANS_ID_TAKEN for a TransID already used with another amount, and keeps the first order', async () => {
    const transId = `HTTP${adapter.toUpperCase()}TAKEN1`;
    expect((await post({ orderMoney: 100, payId: '3002', transId })).status).toBe(201);
    const res = await post({ orderMoney: 999, payId: '3002', transId });
    expect(res).toEqual({ status: 409, body: { statusCode: 409, error: 'Conflict', code: 'TRANS_ID_TAKEN', message: `TransID ${transId} is already used`, evidence: { transId } } });
    const rows = await t.dataSource.query(`SELECT order_money::int AS money FROM baofoo_payment_orders WHERE trans_id = $1`, [transId]);
    expect(rows).toEqual([{ money: 100 }]);
  });

  describe('an order lookup', () => {
    it('answers 200 for an order of the TransID', async () => {
      const transId = `LOOK${adapter.toUpperCase()}0001`;
      expect((await post({ orderMoney: 250, transId })).status).toBe(201);
      expect(await get(transId)).toEqual({ status: 200, body: { memberId: TEST_MERCHANT.memberId, orderMoney: 250 } });
    });

    it.each([['short7'], ["x' OR '1'='1"], ['T'.repeat(21)]])('answers 400 TRANS_ID_INVALID, with its message, for %j', async (bad) => {
      const res = await get(encodeURIComponent(bad));
      expect(res).toEqual({
        status: 400,
        body: { statusCode: 400, error: 'Bad Request', code: 'TRANS_ID_INVALID', message: `a TransID is 8 to 20 letters and digits (spec §2), not ${JSON.stringify(bad)}`, evidence: { transId: JSON.stringify(bad) } },
      });
    });

    it('answers 400 MEMBER_ID_INVALID for a MemberID that is not digits, or sent twice', async () => {
      for (const query of ['memberId=merchant-1', 'memberId=100000178&memberId=100000888']) {
        const res = await get(`ABCDEFGH12?${query}`);
        expect(res).toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request', code: 'MEMBER_ID_INVALID' } });
        expect(res.body.message).toContain('a MemberID is 1 to 20 digits');
      }
    });

    it('answers 400 TRANS_ID_AMBIGUOUS, naming the merchants, when two used the TransID, and 200 once the merchant is named', async () => {
      const transId = `LOOK${adapter.toUpperCase()}BOTH`;
      expect((await post({ orderMoney: 100, transId })).status).toBe(201);
      expect((await post({ orderMoney: 200, transId, memberId: SECOND_MERCHANT.memberId })).status).toBe(201);

      const res = await get(transId);
      expect(res).toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request', code: 'TRANS_ID_AMBIGUOUS', evidence: { transId, merchants: [TEST_MERCHANT.memberId, SECOND_MERCHANT.memberId] } } });
      expect(res.body.message).toContain('pass { memberId }');
      expect(await get(`${transId}?memberId=${SECOND_MERCHANT.memberId}`)).toEqual({ status: 200, body: { memberId: SECOND_MERCHANT.memberId, orderMoney: 200 } });
    });
  });
});
