import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { ReconciliationService } from '../../src/baofoo/reconciliation/reconciliation.service.ts';
import type { RunningDemo } from '../../src/demo/bootstrap-demo.ts';
import { bootstrapPatientDemo } from '../support/patient-demo.ts';
import type { OrderView } from '../../src/demo/order-view.service.ts';
import { launchChromium } from '../support/chromium.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/**
 * A shopper in a real (headless) browser: the demo shop, the sandbox gateway's
 * cashier, and back. The app runs in-process over its own database.
 */
describe('Checkout in a real browser', () => {
  let db: TestDatabase;
  let demo: RunningDemo;
  let browser: Browser;

  beforeAll(async () => {
    db = await createTestDatabase();
    demo = await bootstrapPatientDemo({
      databaseUrl: db.url,
      port: 0,
      sandbox: { port: 0, retryDelaysMs: [0, 50, 100, 200] },
      logger: ['error'],
    });
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    await db?.drop();
  });

  async function order(transId: string): Promise<OrderView> {
    const res = await fetch(`${demo.url}/api/orders/${transId}`);
    expect(res.status).toBe(200);
    return (await res.json()) as OrderView;
  }

  async function fulfilmentCount(transId: string): Promise<number> {
    const [row] = (await demo.dataSource.query('SELECT count(*)::int AS n FROM demo_fulfilments WHERE trans_id = $1', [transId])) as { n: number }[];
    return row.n;
  }

  /** Shop → checkout → the gateway's cashier; returns the TransID the shop gave the order. */
  async function checkout(page: Page, amountFen: string, payId: string): Promise<string> {
    await page.goto(`${demo.url}/`);
    await page.fill('input[name="orderMoney"]', amountFen);
    await page.selectOption('select[name="payId"]', payId);
    await Promise.all([page.waitForURL(`${demo.sandbox!.url}/**`), page.click('#checkout button[type="submit"]')]);
    const [payindex] = demo.sandbox!.records({ type: 'payindex' }).slice(-1) as { transId: string }[];
    return payindex.transId;
  }

  it('takes a shopper through the cashier and back to a page that shows the order paid and fulfilled once', async () => {
    const page = await browser.newPage();
    const transId = await checkout(page, '1234', '');
    await page.click('button.pay');
    await page.waitForURL(`${demo.url}/orders/${transId}`);
    await page.waitForSelector('#status[data-status="PAID"]');
    await page.waitForSelector('#fulfilment[data-fulfilled="true"]');
    expect(await page.textContent('#status')).toBe('paid');

    const delivery = await demo.sandbox!.waitForDelivery(transId);
    expect(delivery.outcome).toBe('delivered');
    const view = await order(transId);
    expect(view).toMatchObject({ status: 'PAID', orderMoney: 1234, factMoney: 1234 });
    expect(view.ledger).toHaveLength(demo.sandbox!.notifications(transId).length);
    expect(view.events.map((e) => e.type)).toEqual(['baofoo.payment.succeeded']);
    expect(await fulfilmentCount(transId)).toBe(1);
    await page.close();
  });

  it('shows a payment the bank refused as failed and ships nothing', async () => {
    const page = await browser.newPage();
    const transId = await checkout(page, '800', '3002');
    await page.click('button[formaction$="/fail"]');
    await page.waitForURL(`${demo.url}/orders/${transId}`);
    await page.waitForSelector('#status[data-status="FAILED"]');
    expect(await page.textContent('#status')).toBe('payment failed');

    await demo.sandbox!.waitForDelivery(transId);
    const view = await order(transId);
    expect(view.status).toBe('FAILED');
    expect(view.ledger).toHaveLength(demo.sandbox!.notifications(transId).length);
    expect(view.fulfilment).toBeNull();
    expect(await fulfilmentCount(transId)).toBe(0);
    await page.close();
  });

  it('settles an order the shopper abandoned at the cashier through reconciliation once the bank reports it paid', async () => {
    const page = await browser.newPage();
    const transId = await checkout(page, '500', '');
    await page.click('button[formaction$="/abandon"]');
    await page.waitForSelector('text=Payment abandoned');
    await page.goto(`${demo.url}/orders/${transId}`);
    await page.waitForSelector('#status[data-status="PENDING"]');
    expect((await order(transId)).status).toBe('PENDING');

    // The bank settled it later and no notification ever came: only the order query can tell.
    demo.sandbox!.settle(transId, { result: 'paid' });
    const outcome = await demo.app.get(ReconciliationService).reconcile(transId);
    expect(outcome.status).toBe('PAID');
    // The open page refreshes itself while the order is pending.
    await page.waitForSelector('#status[data-status="PAID"]');
    await page.waitForSelector('#fulfilment[data-fulfilled="true"]');

    const view = await order(transId);
    expect(view).toMatchObject({ status: 'PAID', settledBy: 'query', factMoney: 500 });
    // No notification was received; the ledger holds the query answer that settled it.
    expect(demo.sandbox!.notifications(transId)).toHaveLength(0);
    expect(view.ledger.map((l) => [l.method, l.fromStatus, l.toStatus])).toEqual([['QUERY', 'PENDING', 'PAID']]);
    expect(await fulfilmentCount(transId)).toBe(1);
    await page.close();
  });

  it('lists every order with its ledger entries on the orders page', async () => {
    const page = await browser.newPage();
    await page.goto(`${demo.url}/orders`);
    const orders = await page.$$eval('section.order', (sections) => sections.map((s) => s.getAttribute('data-trans-id')));
    const api = (await (await fetch(`${demo.url}/api/orders`)).json()) as OrderView[];
    expect(orders).toEqual(api.map((o) => o.transId));
    expect(orders.length).toBeGreaterThanOrEqual(3);
    expect(await page.$$('section.order tr.ledger-entry')).toHaveLength(api.reduce((n, o) => n + o.ledger.length, 0));
    await page.close();
  });
});
