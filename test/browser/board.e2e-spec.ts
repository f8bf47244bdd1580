import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DELIVERY_OUTCOMES } from '../../src/baofoo/events/delivery-outcomes.ts';
import { OutboxRelay } from '../../src/baofoo/events/outbox-relay.service.ts';
import { ReconciliationService } from '../../src/baofoo/reconciliation/reconciliation.service.ts';
import type { RunningDemo } from '../../src/demo/bootstrap-demo.ts';
import { bootstrapPatientDemo } from '../support/patient-demo.ts';
import { recordDeadLetter } from '../support/dead-letter-record.ts';
import { ensureChromium, launchChromium } from '../support/chromium.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const SCREENSHOTS = resolve('test-output/board');

/**
 * An operator in a real (headless) browser on the demo's board at /admin:
 * resolves a REVIEW order, replays a dead letter, searches a TransID. Each
 * screen is saved to test-output/board/ for a person to look at.
 */
describe('The operator board in a real browser', () => {
  let db: TestDatabase;
  let demo: RunningDemo;
  let browser: Browser;
  let page: Page;
  let reviewTransId: string;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    db = await createTestDatabase();
    demo = await bootstrapPatientDemo({ databaseUrl: db.url, port: 0, sandbox: { port: 0, retryDelaysMs: [0, 50, 100, 200] }, logger: ['error'] });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });

    // A shopper pays 1 fen less than the order at the cashier; the order query finds it: REVIEW.
    await page.goto(`${demo.url}/`);
    await page.fill('input[name="orderMoney"]', '1500');
    await page.selectOption('select[name="payId"]', '3002');
    await Promise.all([page.waitForURL(`${demo.sandbox!.url}/**`), page.click('#checkout button[type="submit"]')]);
    await page.screenshot({ path: `${SCREENSHOTS}/0-cashier.png`, fullPage: true });
    const [payindex] = demo.sandbox!.records({ type: 'payindex' }).slice(-1) as { transId: string }[];
    reviewTransId = payindex.transId;
    demo.sandbox!.settle(reviewTransId, { result: 'paid', factMoney: 1499 });
    expect((await demo.app.get(ReconciliationService).reconcile(reviewTransId)).status).toBe('REVIEW');
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    await db?.drop();
  });

  async function status(transId: string): Promise<string> {
    const [row] = await demo.dataSource.query(`SELECT status FROM baofoo_payment_orders WHERE trans_id = $1`, [transId]);
    return row.status;
  }

  async function deliveryOf(eventType: string, transId: string): Promise<{ status: string; replays: number; eventId: string }> {
    const [row] = await demo.dataSource.query(
      `SELECT outcomes.status, outcomes.replays, outcomes.event_id::text AS "eventId" FROM ${DELIVERY_OUTCOMES} JOIN baofoo_outbox o ON o.event_id = outcomes.event_id
        WHERE o.type = $1 AND o.trans_id = $2 AND outcomes.listener = 'demo.fulfilment'`,
      [eventType, transId],
    );
    return row;
  }

  /** Lets the relay run until the delivery reaches `wanted` (each pass is awaited, never a timer). */
  async function relayUntil(transId: string, wanted: string): Promise<void> {
    const relay = demo.app.get(OutboxRelay);
    for (let pass = 0; pass < 100 && (await deliveryOf('baofoo.payment.succeeded', transId))?.status !== wanted; pass++) {
      relay.wake();
      await relay.settled();
      await new Promise<void>((done) => setImmediate(done));
    }
  }

  it('resolves the REVIEW order to PAID from the queue, with who and why in the ledger', async () => {
    await page.goto(`${demo.url}/admin`);
    const row = page.locator(`tr.review-order[data-trans-id="${reviewTransId}"]`);
    await expect(row.count()).resolves.toBe(1);
    expect(await row.textContent()).toContain('演示商品');
    expect(await page.locator('#status-chart rect[data-status="REVIEW"]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${SCREENSHOTS}/1-overview-review-queue.png`, fullPage: true });

    await row.locator('select[name="outcome"]').selectOption('PAID');
    await row.locator('input[name="paidMoney"]').fill('1499');
    await row.locator('input[name="by"]').fill('运营 alice');
    await row.locator('input[name="why"]').fill('bank statement line 17: 14.99 received');
    await Promise.all([page.waitForURL(`**/admin/orders/${reviewTransId}?resolved=PAID`), row.locator('button[type="submit"]').click()]);

    expect(await page.textContent('#notice')).toBe('Resolved to PAID.');
    expect(await status(reviewTransId)).toBe('PAID');
    const methods = await page.$$eval('tr.ledger-row', (rows) => rows.map((r) => r.getAttribute('data-method')));
    expect(methods).toEqual(['QUERY', 'OPERATOR']);
    expect(await page.locator('tr.ledger-row[data-method="OPERATOR"]').textContent()).toContain('运营 alice: bank statement line 17');
    await page.screenshot({ path: `${SCREENSHOTS}/2-resolved-order.png`, fullPage: true });

    // The same form sent again is refused on the board: the order is no longer in REVIEW.
    await page.goto(`${demo.url}/admin`);
    expect(await page.locator(`tr.review-order[data-trans-id="${reviewTransId}"]`).count()).toBe(0);
  });

  it('replays a dead-lettered delivery from the board and the listener gets the event again', async () => {
    await relayUntil(reviewTransId, 'delivered');
    const delivered = await deliveryOf('baofoo.payment.succeeded', reviewTransId);
    expect(delivered.status).toBe('delivered');
    // As the relay leaves a listener that gave up (the warehouse was down for all attempts).
    await recordDeadLetter(demo.dataSource, delivered.eventId, 'demo.fulfilment', { attempts: 8, lastError: 'Error: warehouse API unreachable (仓库接口不可用)' });

    await page.goto(`${demo.url}/admin`);
    const row = page.locator(`tr.dead-letter[data-event-id="${delivered.eventId}"]`);
    expect(await row.textContent()).toContain('demo.fulfilment');
    await page.screenshot({ path: `${SCREENSHOTS}/3-dead-letters.png`, fullPage: true });
    await Promise.all([page.waitForURL('**/admin?replayed=1'), row.locator('button[type="submit"]').click()]);
    expect(await page.textContent('#notice')).toBe('Replayed 1 dead-lettered delivery.');

    await relayUntil(reviewTransId, 'delivered');
    expect(await deliveryOf('baofoo.payment.succeeded', reviewTransId)).toMatchObject({ status: 'delivered', replays: 1 });
    await page.reload();
    expect(await page.locator('tr.dead-letter').count()).toBe(0);
  });

  it('finds an order by TransID and shows its whole story: order, every ledger row, event and delivery', async () => {
    await page.goto(`${demo.url}/admin`);
    await page.fill('header input[name="transId"]', reviewTransId);
    await Promise.all([page.waitForURL(`**/admin/orders/${reviewTransId}`), page.click('header button[type="submit"]')]);

    const story = page.locator(`section.story[data-trans-id="${reviewTransId}"]`);
    expect(await story.locator('h2 .status').getAttribute('data-status')).toBe('PAID');
    const ledger: { n: number }[] = await demo.dataSource.query(`SELECT count(*)::int AS n FROM baofoo_notification_ledger WHERE trans_id = $1`, [reviewTransId]);
    expect(await story.locator('tr.ledger-row').count()).toBe(ledger[0].n);
    const events = await story.locator('tr.event-row').allTextContents();
    expect(events.some((e) => e.includes('baofoo.payment.review_required'))).toBe(true);
    expect(events.some((e) => e.includes('baofoo.payment.succeeded') && e.includes('operator'))).toBe(true);
    expect(await story.locator('tr.delivery-row').count()).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: `${SCREENSHOTS}/4-order-story.png`, fullPage: true });

    await page.goto(`${demo.url}/admin/orders/NOSUCHORDER123`);
    expect(await page.textContent('#not-found')).toContain('NOSUCHORDER123');
  });

  it('refuses a resolve posted from another site, and serves the metrics on the app\'s own /metrics', async () => {
    const forged = await fetch(`${demo.url}/admin/review/resolve`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example' },
      body: new URLSearchParams({ transId: reviewTransId, outcome: 'FAILED', by: 'x', why: 'y' }).toString(),
      redirect: 'manual',
    });
    expect(forged.status).toBe(403);
    const metrics = await (await fetch(`${demo.url}/metrics`)).text();
    // The exact gauges cover the open statuses only (the scrape reads indexes, not every order); the payment is counted as written.
    expect(metrics).toMatch(/^baofoo_orders\{status="REVIEW"\} 0$/m);
    expect(metrics).toMatch(/^baofoo_events_written_total\{type="baofoo.payment.succeeded"\} [1-9]/m);
    expect(metrics).toMatch(/^baofoo_review_resolutions_total\{to="PAID"\} 1$/m);
  });

  it('answers nothing to a page on a name rebound to this machine, and cannot be framed by another site', async () => {
    const port = new URL(demo.url).port;
    // DNS rebinding as the browser sees it: evil.example resolves to 127.0.0.1, so the board would be same-origin to its page.
    const rebound = await chromium.launch({ executablePath: ensureChromium(), args: ['--headless', '--no-sandbox', '--disable-gpu', `--host-resolver-rules=MAP evil.example 127.0.0.1`] });
    try {
      const evil = await rebound.newPage();
      const answer = await evil.goto(`http://evil.example:${port}/admin`);
      expect(answer?.status()).toBe(421);
      expect(await evil.content()).not.toContain('REVIEW queue');
      // The attacker's own page on that name (here the shop's, which answers any name) posts to the board.
      await evil.goto(`http://evil.example:${port}/`);
      const posted = await evil.evaluate(async (transId) => {
        const r = await fetch('/admin/review/resolve', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `transId=${transId}&outcome=FAILED&by=x&why=y` });
        return r.status;
      }, reviewTransId);
      expect(posted).toBe(421);
    } finally {
      await rebound.close();
    }
    expect(await status(reviewTransId)).toBe('PAID');

    const framing = await browser.newPage();
    await framing.goto(`${demo.url}/`);
    await framing.setContent(`<iframe id="board" src="${demo.url}/admin"></iframe>`);
    const frame = await (await framing.waitForSelector('#board')).contentFrame();
    await frame?.waitForLoadState();
    expect(await frame?.locator('#review').count().catch(() => 0)).toBe(0);
    await framing.close();
  });
});
