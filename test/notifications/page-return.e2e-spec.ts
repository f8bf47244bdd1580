import request from 'supertest';
import { signedNotification } from '../../src/baofoo/testing/index.ts';
import { ADAPTERS, useTestApp, createTestApp, testOptions } from '../support/baofoo-test-app.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { formBody, orderState, pendingOrder, successFields, tableCounts } from './notification-support.ts';

/** PageUrl shows the shopper where the order stands and never settles it (spec §1). */
describe.each(ADAPTERS)('the page-return route (%s)', (adapter) => {
  const t = useTestApp(undefined, { adapter });

  const status = (html: string) => /data-status="([^"]*)"/.exec(html)?.[1];

  it('shows a PENDING order as pending even when the browser brings a signed success, and changes nothing', async () => {
    const { transId } = await pendingOrder(t, 1000);
    const before = { order: await orderState(t.dataSource, transId), counts: await tableCounts(t.dataSource) };
    const res = await request(t.app.getHttpServer()).get(`/baofoo/return?${formBody(successFields(transId, 1000))}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(status(res.text)).toBe('PENDING');
    expect(res.text).toContain(`Order ${transId}: 10.00 yuan.`);
    expect(await orderState(t.dataSource, transId)).toEqual(before.order);
    expect(await tableCounts(t.dataSource)).toEqual(before.counts);
  });

  it('shows the state the notification settled, by GET and by form POST', async () => {
    const { transId } = await pendingOrder(t, 1000);
    const n = signedNotification({ transId, result: 'success', factMoney: 1000 });
    expect((await request(t.app.getHttpServer()).post('/baofoo/notify').type('form').send(n.body)).text).toBe('OK');
    const get = await request(t.app.getHttpServer()).get(`/baofoo/return${n.query}`);
    expect(status(get.text)).toBe('PAID');
    expect(get.text).toContain('Payment received');
    const post = await request(t.app.getHttpServer()).post('/baofoo/return').type('form').send(n.body);
    expect(status(post.text)).toBe('PAID');
    expect(await orderState(t.dataSource, transId)).toMatchObject({ status: 'PAID', version: 2 });
  });

  it('shows a FAILED order as failed even when the browser brings a success', async () => {
    const { transId } = await pendingOrder(t, 1000);
    await request(t.app.getHttpServer()).post('/baofoo/notify').type('form').send(signedNotification({ transId, result: 'failure', factMoney: 0 }).body);
    const res = await request(t.app.getHttpServer()).get(`/baofoo/return${signedNotification({ transId, result: 'success', factMoney: 1000 }).query}`);
    expect(status(res.text)).toBe('FAILED');
    expect(await orderState(t.dataSource, transId)).toMatchObject({ status: 'FAILED', version: 2 });
  });

  it('refuses a page return whose signature does not verify, with 400 and without naming a state', async () => {
    const { transId } = await pendingOrder(t, 1000);
    const f = successFields(transId, 1000);
    const res = await request(t.app.getHttpServer()).get(`/baofoo/return?${formBody({ ...f, FactMoney: '1' })}`);
    expect(res.status).toBe(400);
    expect(res.text).toContain('We could not read the payment result');
    expect(status(res.text)).toBe('');
  });

  it('says it cannot find an unknown order and escapes what the request brought', async () => {
    const res = await request(t.app.getHttpServer()).get(`/baofoo/return${signedNotification({ transId: '<b>NOPE</b>', result: 'success', factMoney: 1 }).query}`);
    expect(res.status).toBe(200);
    expect(status(res.text)).toBe('UNKNOWN');
    expect(res.text).toContain('Order &lt;b&gt;NOPE&lt;/b&gt;.');
    expect(res.text).not.toContain('<b>NOPE');
  });

  it('redirects to the configured page with the TransID and the current state', async () => {
    const otherDb = await createTestDatabase();
    const other = await createTestApp(otherDb.url, testOptions({ notification: { path: '/baofoo/notify', pagePath: '/baofoo/return', publicBaseUrl: 'http://127.0.0.1:3000', pageRedirectUrl: 'https://shop.example.com/orders/done?from=baofoo' } }), { adapter });
    try {
      const { transId } = await pendingOrder(other, 1000);
      const res = await request(other.app.getHttpServer()).get(`/baofoo/return${signedNotification({ transId, result: 'success', factMoney: 1000 }).query}`);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`https://shop.example.com/orders/done?from=baofoo&transId=${transId}&status=PENDING`);
      expect(await orderState(other.dataSource, transId)).toMatchObject({ status: 'PENDING', version: 1 });
    } finally {
      await other.close();
      await otherDb.drop();
    }
  });
});
