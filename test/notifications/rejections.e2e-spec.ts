import request from 'supertest';
import { signedNotification } from '../../src/baofoo/testing/index.ts';
import { RefusalRecorder } from '../../src/baofoo/notifications/refusal.recorder.ts';
import { ADAPTERS, createTestApp, testOptions, type TestApp } from '../support/baofoo-test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { formBody, ledgerRows, orderState, outboxRows, pendingOrder, refusalCount, specSign, successFields, tableCounts, type OrderState } from './notification-support.ts';

/**
 * Everything the endpoint refuses (docs/architecture/notifications.md): never
 * OK and the order exactly as it was. A notification signed by a configured
 * merchant is recorded at once: one ledger row with verdict `rejected` and its
 * reason code, one `baofoo.notification.rejected` event. Anything refused
 * before a signature verified is counted (and, within the source's budget,
 * kept whole in the ledger as a sample) by the next flush, with no event.
 */

/** Every unverified refusal of these suites is sampled, so each can be inspected. */
const SAMPLE_ALL = { samplesPerSource: 1000 };

/** An unsigned refusal: its answer, then after a flush one more count, one sample, no event, the order untouched. */
async function expectCounted(t: TestApp, send: () => Promise<request.Response>, status: number, code: string, answer = `FAIL ${code}`, transId?: string): Promise<void> {
  const recorder = t.app.get(RefusalRecorder);
  await recorder.flush();
  const counts = await tableCounts(t.dataSource);
  const counted = await refusalCount(t.dataSource, code);
  const before = transId ? await orderState(t.dataSource, transId) : undefined;
  const res = await send();
  expect({ status: res.status, text: res.text }).toEqual({ status, text: answer });
  expect(res.headers['content-type']).toMatch(/^text\/plain/);
  await recorder.flush();
  expect(await tableCounts(t.dataSource)).toEqual({ orders: counts.orders, ledger: counts.ledger + 1, outbox: counts.outbox });
  expect(await refusalCount(t.dataSource, code)).toBe(counted + 1);
  const [ledger] = (await ledgerRows(t.dataSource)).slice(-1);
  expect(ledger).toMatchObject({ verdict: 'rejected', reasonCode: code, httpStatus: status, toStatus: null, keyId: null });
  if (transId) expect(await orderState(t.dataSource, transId)).toEqual(before);
}

const flipLowBit = (hex: string, at: number) => hex.slice(0, at) + (parseInt(hex[at], 16) ^ 1).toString(16) + hex.slice(at + 1);

describe.each(ADAPTERS)('a refused notification (%s)', (adapter) => {
  let db: TestDatabase;
  let t: TestApp;
  let order: { transId: string; orderMoney: number };
  let before: OrderState;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await createTestApp(
      db.url,
      testOptions({
        merchants: [
          { memberId: '100000178', terminalId: '10000001', keys: [{ id: 'k1', secret: 'abcdefg' }] },
          // The same merchant's second terminal, with its own key.
          { memberId: '100000178', terminalId: '10000002', keys: [{ id: 't2', secret: 'terminal-two-key' }] },
          { memberId: '100000200', terminalId: '20000001', keys: [{ id: 'm2', secret: 'merchant-two-key' }] },
        ],
        notification: { ...testOptions().notification, refusals: SAMPLE_ALL },
      }),
      { adapter },
    );
    order = await pendingOrder(t, 10000);
    before = await orderState(t.dataSource, order.transId);
  });
  afterAll(async () => {
    await t.close();
    await db.drop();
  });

  const post = (body: string, type = 'application/x-www-form-urlencoded') => request(t.app.getHttpServer()).post('/baofoo/notify').set('content-type', type).send(body);

  const counted = (send: () => Promise<request.Response>, status: number, code: string, answer?: string) => expectCounted(t, send, status, code, answer, order.transId);

  /** A signed refusal: the answer, and exactly one ledger row and one event more, with the order untouched. */
  async function expectRejected(send: () => Promise<request.Response>, status: number, code: string): Promise<void> {
    const counts = await tableCounts(t.dataSource);
    const res = await send();
    expect({ status: res.status, text: res.text }).toEqual({ status, text: `FAIL ${code}` });
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(await tableCounts(t.dataSource)).toEqual({ orders: counts.orders, ledger: counts.ledger + 1, outbox: counts.outbox + 1 });
    const [ledger] = (await ledgerRows(t.dataSource)).slice(-1);
    expect(ledger).toMatchObject({ verdict: 'rejected', reasonCode: code, httpStatus: status, toStatus: null });
    const [event] = (await outboxRows(t.dataSource)).slice(-1);
    expect(event.type).toBe('baofoo.notification.rejected');
    expect(event.payload).toMatchObject({ type: 'baofoo.notification.rejected', reasonCode: code });
    expect(await orderState(t.dataSource, order.transId)).toEqual(before);
  }

  describe('with a forged signature', () => {
    const cases: [string, (f: ReturnType<typeof successFields>) => string][] = [
      ['with one bit flipped in its first character', (f) => flipLowBit(f.Md5Sign, 0)],
      ['with one bit flipped in its last character', (f) => flipLowBit(f.Md5Sign, 31)],
      ['computed with a wrong key', (f) => specSign(f, 'not-the-key')],
      ['computed with a key one letter off', (f) => specSign(f, 'abcdefh')],
      ['that is empty', () => ''],
      ['cut to 31 characters', (f) => f.Md5Sign.slice(0, 31)],
      ['grown to 33 characters', (f) => `${f.Md5Sign}0`],
      ['that is not hexadecimal', (f) => `${f.Md5Sign.slice(0, 31)}g`],
    ];

    it.each(cases)('refuses a signature %s with 400 and records it', async (_name, forge) => {
      const f = successFields(order.transId, 10000);
      const forged = forge(f);
      expect(forged.toLowerCase()).not.toBe(f.Md5Sign);
      await counted(() => post(formBody({ ...f, Md5Sign: forged })), 400, 'SIGNATURE_INVALID', 'FAIL UNVERIFIED');
    });

    it('refuses an amount changed after signing with 400', async () => {
      const f = successFields(order.transId, 10000);
      await counted(() => post(formBody({ ...f, FactMoney: '1000000' })), 400, 'SIGNATURE_INVALID', 'FAIL UNVERIFIED');
    });

    it('refuses a success turned from a signed failure with 400', async () => {
      const failure = successFields(order.transId, 10000, { Result: '0', ResultDesc: '0000' });
      await counted(() => post(formBody({ ...failure, Result: '1', ResultDesc: '01' })), 400, 'SIGNATURE_INVALID', 'FAIL UNVERIFIED');
    });

    it('refuses a notification without Md5Sign as malformed with 400', async () => {
      const { Md5Sign: _omitted, ...unsigned } = successFields(order.transId, 10000);
      await counted(() => post(formBody(unsigned)), 400, 'NOTIFICATION_MALFORMED');
    });
  });

  it('accepts the upper-case hex of a valid signature', async () => {
    const { transId } = await pendingOrder(t, 300);
    const f = successFields(transId, 300);
    const res = await post(formBody({ ...f, Md5Sign: f.Md5Sign.toUpperCase() }));
    expect([res.status, res.text]).toEqual([200, 'OK']);
    expect(await orderState(t.dataSource, transId)).toMatchObject({ status: 'PAID', version: 2, fact: 300 });
  });

  it('refuses a merchant that is not configured with 400, whatever its signature, answering as for a bad signature', async () => {
    const f = successFields(order.transId, 10000, { MemberID: '100000999' }, 'someone-elses-key');
    await counted(() => post(formBody(f)), 400, 'MERCHANT_UNKNOWN', 'FAIL UNVERIFIED');
  });

  it('refuses a result signed by another terminal of the merchant for this terminal’s order with 400', async () => {
    const f = successFields(order.transId, 10000, { TerminalID: '10000002' }, 'terminal-two-key');
    await expectRejected(() => post(formBody(f)), 400, 'MERCHANT_MISMATCH');
    // The refusal stays linked to the order it names, so the order's story shows it.
    const [row] = await t.dataSource.query(
      `SELECT l.order_id = o.id AS linked FROM baofoo_notification_ledger l, baofoo_payment_orders o WHERE o.trans_id = $1 ORDER BY l.id DESC LIMIT 1`,
      [order.transId],
    );
    expect(row.linked).toBe(true);
  });

  it('refuses a result signed by another configured merchant for an order it does not have with 404', async () => {
    const f = successFields(order.transId, 10000, { MemberID: '100000200', TerminalID: '20000001' }, 'merchant-two-key');
    await expectRejected(() => post(formBody(f)), 404, 'ORDER_UNKNOWN');
  });

  it('refuses a validly signed result for an unknown order with 404 so the gateway retries', async () => {
    const f = successFields('NOSUCHORDER0001', 10000);
    await expectRejected(() => post(formBody(f)), 404, 'ORDER_UNKNOWN');
    const [ledger] = (await ledgerRows(t.dataSource)).slice(-1);
    expect(ledger).toMatchObject({ keyId: 'k1', sourceIp: '127.0.0.1', method: 'POST' });
    expect(ledger.fields).toMatchObject({ TransID: 'NOSUCHORDER0001', Md5Sign: f.Md5Sign });
  });

  it('refuses a signed result whose Result contradicts its ResultDesc as malformed with 400', async () => {
    const f = successFields(order.transId, 10000, { Result: '1', ResultDesc: '0000' });
    await expectRejected(() => post(formBody(f)), 400, 'NOTIFICATION_MALFORMED');
  });

  it('refuses a JSON body with 415 and records its text', async () => {
    const f = successFields(order.transId, 10000);
    await counted(() => post(JSON.stringify(f), 'application/json'), 415, 'CONTENT_TYPE_UNSUPPORTED');
    const [ledger] = (await ledgerRows(t.dataSource)).slice(-1);
    expect(ledger.rawBody).toBe(JSON.stringify(f));
    expect(ledger.fields).toBeNull();
  });

  it('refuses a body far over both limits before the app\'s own body parser sees it', async () => {
    const f = successFields(order.transId, 10000);
    await counted(() => post(`${formBody(f)}&Padding=${'x'.repeat(200_000)}`), 413, 'BODY_TOO_LARGE');
  });

  it('refuses broken JSON with 415 before the app\'s own body parser sees it', async () => {
    await counted(() => post('{"MemberID": ', 'application/json'), 415, 'CONTENT_TYPE_UNSUPPORTED');
    expect((await ledgerRows(t.dataSource)).slice(-1)[0].rawBody).toBe('{"MemberID": ');
  });

  it('records a refusal whose method is longer than the ledger column, cut to its 8 characters, and goes on recording refusals', async () => {
    // Express's JSON parser refuses the body of any method (the intake takes only POST bodies); Fastify routes no such method.
    const res = await request(t.app.getHttpServer()).unsubscribe('/baofoo/notify').set('content-type', 'application/json').send('{');
    await t.app.get(RefusalRecorder).flush();

    expect(res.status).toBe(adapter === 'express' ? 400 : 404);
    expect(await ledgerRows(t.dataSource, 'method = $1', ['UNSUBSCR'])).toHaveLength(adapter === 'express' ? 1 : 0);
    await counted(() => post('{"MemberID": ', 'application/json'), 415, 'CONTENT_TYPE_UNSUPPORTED');
  });

  it('refuses a repeated parameter with 400: which copy was signed would be ambiguous', async () => {
    const f = successFields(order.transId, 10000);
    await counted(() => post(`${formBody(f)}&FactMoney=1`), 400, 'FORM_DUPLICATE_PARAMETER');
  });

  it('refuses a body over the configured limit with 413 and records its first bytes', async () => {
    const f = successFields(order.transId, 10000);
    const body = `${formBody(f)}&Padding=${'x'.repeat(9000)}`;
    await counted(() => post(body), 413, 'BODY_TOO_LARGE');
    const [ledger] = (await ledgerRows(t.dataSource)).slice(-1);
    expect(ledger.rawBody).toBe(body.slice(0, 8192));
  });

  it('records a refusal whose TransID is longer than the ledger column, cut at a character boundary', async () => {
    const transId = `${'A'.repeat(63)}😀😀`;
    const f = successFields(transId, 10000, { MemberID: '100000999' }, 'someone-elses-key');
    await counted(() => post(formBody(f)), 400, 'MERCHANT_UNKNOWN', 'FAIL UNVERIFIED');
    const [ledger] = await ledgerRows(t.dataSource, 'trans_id = $1', [`${'A'.repeat(63)}😀`]);
    expect(ledger.fields?.TransID).toBe(transId);
  });

  it.each([
    ['an unsigned extra', (f: ReturnType<typeof successFields>) => formBody({ ...f, BankID: '30\u000002' })],
    ['a correctly signed field', () => formBody(successFields(order.transId, 10000, { AdditionalInfo: 'a\u0000b' }))],
    ['the raw body', (f: ReturnType<typeof successFields>) => `${formBody(f)}&BankID=30\u000002`],
  ])('refuses a NUL character in %s with 400 and still records it', async (_where, body) => {
    await counted(() => post(body(successFields(order.transId, 10000))), 400, 'FORM_MALFORMED');
    const [ledger] = (await ledgerRows(t.dataSource)).slice(-1);
    expect(ledger.rawBody).not.toContain('\u0000');
  });

  it('refuses broken percent-encoding with 400', async () => {
    await counted(() => post(`${formBody(successFields(order.transId, 10000))}&BankID=%zz`), 400, 'FORM_MALFORMED');
  });
});

describe.each(ADAPTERS)('the notifier IP allowlist (%s)', (adapter) => {
  let db: TestDatabase;
  let direct: TestApp;
  let proxied: TestApp;
  let transId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    // Loopback is not an allowed notifier here: only 10.1.2.3 is.
    direct = await createTestApp(db.url, testOptions({ notification: { path: '/baofoo/notify', pagePath: '/baofoo/return', publicBaseUrl: 'http://127.0.0.1:3000', allowedIps: ['10.1.2.3'], refusals: SAMPLE_ALL } }), { adapter });
    proxied = await createTestApp(
      db.url,
      testOptions({ notification: { path: '/baofoo/notify', pagePath: '/baofoo/return', publicBaseUrl: 'http://127.0.0.1:3000', allowedIps: ['10.1.2.3'], trustedProxies: ['127.0.0.1'], refusals: SAMPLE_ALL } }),
      { adapter },
    );
    ({ transId } = await pendingOrder(direct, 700));
  });
  afterAll(async () => {
    await direct.close();
    await proxied.close();
    await db.drop();
  });

  const notification = () => signedNotification({ transId, result: 'success', factMoney: 700, succTime: '20261125120000' });

  async function expectForbidden(app: TestApp, xff: string | null, sourceIp: string): Promise<void> {
    const send = () => {
      let req = request(app.app.getHttpServer()).post('/baofoo/notify').type('form');
      if (xff !== null) req = req.set('x-forwarded-for', xff);
      return req.send(notification().body);
    };
    await expectCounted(app, send, 403, 'IP_NOT_ALLOWED', 'FAIL IP_NOT_ALLOWED', transId);
    const [ledger] = (await ledgerRows(app.dataSource)).slice(-1);
    expect(ledger).toMatchObject({ sourceIp });
    expect(ledger.fields).toMatchObject({ TransID: transId });
    const [row] = await app.dataSource.query(`SELECT source_ip AS "sourceIp" FROM baofoo_refusal_counts ORDER BY last_seen_at DESC LIMIT 1`);
    expect(row).toEqual({ sourceIp });
    expect(await orderState(app.dataSource, transId)).toMatchObject({ status: 'PENDING', version: 1 });
  }

  it('refuses a peer outside the list with 403 even with a valid signature', async () => {
    await expectForbidden(direct, null, '127.0.0.1');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    await expectForbidden(direct, '10.1.2.3', '127.0.0.1');
  });

  it('never believes the leftmost X-Forwarded-For hop, which the sender wrote itself', async () => {
    await expectForbidden(proxied, '10.1.2.3, 6.6.6.6', '6.6.6.6');
  });

  it('records a garbage hop behind a trusted proxy, cut to the ledger column, and refuses it', async () => {
    const garbage = 'z'.repeat(100);
    await expectForbidden(proxied, `10.1.2.3, ${garbage}`, garbage.slice(0, 64));
  });

  it('takes the nearest untrusted hop behind a trusted proxy and lets an allowed notifier in', async () => {
    const res = await request(proxied.app.getHttpServer()).post('/baofoo/notify').type('form').set('x-forwarded-for', '6.6.6.6, 10.1.2.3').send(notification().body);
    expect([res.status, res.text]).toEqual([200, 'OK']);
    const [ledger] = (await ledgerRows(proxied.dataSource)).slice(-1);
    expect(ledger).toMatchObject({ verdict: 'applied', sourceIp: '10.1.2.3' });
    expect(await orderState(proxied.dataSource, transId)).toMatchObject({ status: 'PAID', version: 2 });
  });
});

describe('log lines about a refused notification', () => {
  const lines: string[] = [];
  const capture = { log: (m: unknown) => lines.push(String(m)), warn: (m: unknown) => lines.push(String(m)), error: (m: unknown) => lines.push(String(m)), debug: () => undefined, verbose: () => undefined };
  let db: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await createTestApp(db.url, testOptions(), { appOptions: { logger: capture } });
  });
  afterAll(async () => {
    await t.close();
    await db.drop();
  });

  it('keep a CR/LF the sender put in a signed TransID inside one escaped line', async () => {
    const forged = 'NOSUCH\r\n[Nest] 1  - LOG [BaofooNotifications] order PAID';
    const f = successFields(forged, 100);
    const res = await request(t.app.getHttpServer()).post('/baofoo/notify').type('form').send(formBody(f));
    expect([res.status, res.text]).toEqual([404, 'FAIL ORDER_UNKNOWN']);
    const line = lines.find((l) => l.includes('ORDER_UNKNOWN'));
    expect(line).toBeDefined();
    expect(line).not.toMatch(/[\r\n]/);
    expect(line).toContain('NOSUCH\\r\\n[Nest]');
  });
});
