import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request as httpRequest } from 'node:http';
import { CheckoutService } from '../../src/demo/checkout.service.ts';
import { bootstrapDemo, type RunningDemo } from '../../src/demo/bootstrap-demo.ts';
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
    demo = await bootstrapDemo({
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
});
