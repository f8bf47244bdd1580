import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request as httpRequest } from 'node:http';
import { CheckoutService } from '../../src/demo/checkout.service.ts';
import type { RunningDemo } from '../../src/demo/bootstrap-demo.ts';
import { bootstrapPatientDemo } from '../support/patient-demo.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request: fetch would not let a test choose the Host header. */
function send(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = httpRequest(url, { method: init.method ?? 'GET', headers: init.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end(init.body);
  });
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = 'application/x-www-form-urlencoded';

/**
 * The board's HTTP surface on the demo (/admin, /metrics), behind a proxy on
 * loopback that the module trusts: who may address it (Host, DNS rebinding),
 * which origin may post to it, the headers on every answer, and fields sent twice.
 */
describe('The operator board over HTTP', () => {
  let db: TestDatabase;
  let demo: RunningDemo;
  let port: string;
  let reviewTransId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    demo = await bootstrapPatientDemo({
      databaseUrl: db.url,
      port: 0,
      sandbox: { port: 0 },
      logger: ['error'],
      configure: (o) => ({ ...o, notification: { ...o.notification, trustedProxies: ['127.0.0.1', '::1'] } }),
    });
    port = new URL(demo.url).port;
    ({ transId: reviewTransId } = await demo.app.get(CheckoutService).checkout({ orderMoney: '1500' }));
    await demo.dataSource.query(`UPDATE baofoo_payment_orders SET status = 'REVIEW', review_reason = 'test', fact_money = 1499 WHERE trans_id = $1`, [reviewTransId]);
  }, 300_000);

  afterAll(async () => {
    await demo?.close();
    await db?.drop();
  });

  async function status(transId: string): Promise<string> {
    const [row] = await demo.dataSource.query(`SELECT status FROM baofoo_payment_orders WHERE trans_id = $1`, [transId]);
    return row.status;
  }

  const resolveBody = (extra: Record<string, string> = {}) => form({ transId: reviewTransId, outcome: 'PAID', paidMoney: '1499', by: 'alice', why: 'statement line 3', ...extra });

  describe('DNS rebinding: a page on evil.example whose name resolves to 127.0.0.1', () => {
    // The port is known once the demo listens.
    const evil = { get host() { return `evil.example:${port}`; }, get origin() { return `http://evil.example:${port}`; } };

    it('cannot read the board: 421 HOST_NOT_ALLOWED, framing still denied', async () => {
      const answer = await send(`${demo.url}/admin`, { headers: { host: evil.host } });
      expect(answer.status).toBe(421);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'HOST_NOT_ALLOWED' });
      expect(answer.body).not.toContain('REVIEW queue');
      expect(answer.headers['x-frame-options']).toBe('DENY');
    });

    it('cannot resolve a REVIEW order, same-origin as it is to the browser; the order stays in REVIEW', async () => {
      const answer = await send(`${demo.url}/admin/review/resolve`, {
        method: 'POST',
        headers: { host: evil.host, origin: evil.origin, 'sec-fetch-site': 'same-origin', 'content-type': FORM },
        body: resolveBody(),
      });
      expect(answer.status).toBe(421);
      expect(await status(reviewTransId)).toBe('REVIEW');
    });

    it('cannot read the metrics either, nor through a trusted proxy that was asked for evil.example', async () => {
      expect((await send(`${demo.url}/metrics`, { headers: { host: evil.host } })).status).toBe(421);
      expect((await send(`${demo.url}/metrics`, { headers: { host: 'internal:8080', 'x-forwarded-host': 'evil.example' } })).status).toBe(421);
    });

    it('leaves the shopper\'s page return open on any host name', async () => {
      expect((await send(`${demo.url}/baofoo/return`, { headers: { host: evil.host } })).status).not.toBe(421);
    });
  });

  it('answers on the loopback names, with framing denied and no script allowed', async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `LOCALHOST.:${port}`]) {
      const answer = await send(`${demo.url}/admin`, { headers: { host } });
      expect([host, answer.status]).toEqual([host, 200]);
      expect(answer.headers['x-frame-options']).toBe('DENY');
      expect(answer.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(answer.headers['content-security-policy']).toMatch(/default-src 'none'/);
    }
    expect((await send(`${demo.url}/metrics`, { headers: { host: `localhost:${port}` } })).status).toBe(200);
  });

  it('judges Origin against the host a trusted proxy was asked for, not the Host it rewrote', async () => {
    // The proxy forwards to the app as "app-upstream:8080"; the browser addressed localhost.
    const proxied = { host: 'app-upstream:8080', 'x-forwarded-host': `localhost:${port}`, 'x-forwarded-proto': 'http', 'content-type': FORM };
    const crossSite = await send(`${demo.url}/admin/review/resolve`, { method: 'POST', headers: { ...proxied, origin: 'http://attacker.example' }, body: resolveBody({ outcome: 'FAILED' }) });
    expect(crossSite.status).toBe(403);
    expect(JSON.parse(crossSite.body)).toMatchObject({ code: 'CROSS_SITE_REQUEST' });
    const wrongScheme = await send(`${demo.url}/admin/review/resolve`, { method: 'POST', headers: { ...proxied, origin: `https://localhost:${port}` }, body: resolveBody({ outcome: 'FAILED' }) });
    expect(wrongScheme.status).toBe(403);
    expect(await status(reviewTransId)).toBe('REVIEW');
  });

  it('refuses a field sent twice with 400 FIELD_NOT_SINGLE instead of failing with a 500, changing nothing', async () => {
    const search = await send(`${demo.url}/admin/search?transId=a&transId=b`);
    expect(search.status).toBe(400);
    expect(JSON.parse(search.body)).toMatchObject({ code: 'FIELD_NOT_SINGLE' });
    const posted = await send(`${demo.url}/admin/review/resolve`, { method: 'POST', headers: { 'content-type': FORM }, body: `${resolveBody()}&why=again` });
    expect(posted.status).toBe(400);
    expect(posted.body).toContain('FIELD_NOT_SINGLE: the field why must be sent once');
    expect(await status(reviewTransId)).toBe('REVIEW');
  });

  it('marks an unsigned refusal naming the TransID as unverified in the order\'s story', async () => {
    await demo.dataSource.query(
      `INSERT INTO baofoo_notification_ledger (trans_id, source_ip, method, fields, raw_body, verdict, reason_code, reason, http_status)
        VALUES ($1, '198.51.100.9', 'POST', $2, '', 'rejected', 'SIGNATURE_INVALID', 'no configured key verifies the signature', 400)`,
      [reviewTransId, JSON.stringify({ TransID: reviewTransId, Result: '1', FactMoney: '150000' })],
    );
    const story = await send(`${demo.url}/admin/orders/${reviewTransId}`);
    expect(story.status).toBe(200);
    expect(story.body.match(/<tr class="ledger-row unverified" data-method="POST" data-verified="false">/g)).toHaveLength(1);
    expect(story.body).toContain('unverified: not from the gateway');
  });

  it('asks for an explicit confirmation of an amount paid far from the order\'s, naming both, then takes it', async () => {
    const far = resolveBody({ paidMoney: '15000' });
    const refused = await send(`${demo.url}/admin/review/resolve`, { method: 'POST', headers: { 'content-type': FORM }, body: far });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('AMOUNT_UNCONFIRMED: the amount paid 15000 fen is off the order&#39;s 1500 fen and the gateway&#39;s reported 1499 fen');
    expect(refused.body).toContain('Over 3000 fen and not within 1500 of the gateway&#39;s 1499: tick &quot;confirm amount&quot;.');
    expect(await status(reviewTransId)).toBe('REVIEW');

    const confirmed = await send(`${demo.url}/admin/review/resolve`, { method: 'POST', headers: { 'content-type': FORM }, body: `${far}&confirmAmount=yes` });
    expect(confirmed.status).toBe(303);
    const [order] = await demo.dataSource.query(`SELECT status, fact_money::int AS "factMoney" FROM baofoo_payment_orders WHERE trans_id = $1`, [reviewTransId]);
    expect(order).toEqual({ status: 'PAID', factMoney: 15000 });
  });
});
