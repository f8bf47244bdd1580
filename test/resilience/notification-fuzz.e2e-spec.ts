import fc from 'fast-check';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Request } from 'express';
import { BAOFOO_OPTIONS } from '../../src/baofoo/baofoo.constants.ts';
import type { ResolvedBaofooOptions } from '../../src/baofoo/config/resolved-options.ts';
import { readNotificationRequest } from '../../src/baofoo/notifications/notification-request.reader.ts';
import { RefusalRecorder } from '../../src/baofoo/notifications/refusal.recorder.ts';
import { BaofooProtocolError } from '../../src/baofoo/protocol/errors.ts';
import { readNotification } from '../../src/baofoo/protocol/notification.ts';
import { BaofooSigner } from '../../src/baofoo/signing/baofoo-signer.service.ts';
import { signedNotification } from '../../src/baofoo/testing/index.ts';
import { createTestApp, type TestApp } from '../support/baofoo-test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { pendingOrder } from '../notifications/notification-support.ts';

/*
 * Hostile and broken requests at the notification endpoint. 100,000 go
 * through the request reader and signature check in-process (what the guards
 * run); a sample goes over HTTP to the whole endpoint. No input may crash it,
 * none may change an order, and every refusal over HTTP is in the ledger.
 */

interface FuzzInput {
  method: 'POST' | 'GET';
  contentType: string | undefined;
  body: string;
}

const CONTENT_TYPES = [
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-8',
  'APPLICATION/X-WWW-FORM-URLENCODED',
  undefined,
  'application/json',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/xml',
  '',
  ';;;',
];

const NASTY_PAIRS = [
  '__proto__[polluted]=1',
  '__proto__=x',
  'constructor[prototype][polluted]=1',
  'constructor=x',
  'hasOwnProperty=1',
  'toString=x',
  'MemberID[]=1',
  'TransID[a]=b',
  'Md5Sign=',
  '=',
  '&&&',
  '%',
  '%G1=1',
  'a=%E4%B8',
  'a=%ZZ',
  'a=%00',
  '%00=x',
  'a=%C0%AF',
  'a=%FF%FE',
  'Result=1&Result=0',
  'FactMoney=-1',
  'FactMoney=1e3',
  'FactMoney=0x10',
  'a=+%2B+',
];

describe('fuzzed requests at the notification endpoint', () => {
  let db: TestDatabase;
  let t: TestApp;
  let options: ResolvedBaofooOptions;
  let signer: BaofooSigner;
  let bases: string[];
  let watched: string[];

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await createTestApp(db.url);
    options = t.app.get(BAOFOO_OPTIONS);
    signer = t.app.get(BaofooSigner);
    const pending = await pendingOrder(t, 100);
    const paid = await pendingOrder(t, 200);
    await t.dataSource.query(`UPDATE baofoo_payment_orders SET status = 'PAID', fact_money = 200, version = 2 WHERE trans_id = $1`, [paid.transId]);
    watched = [pending.transId, paid.transId];
    // Every base is harmless when delivered intact: a forgery for the PENDING order, a duplicate for the PAID one, an unknown order.
    bases = [
      signedNotification({ transId: pending.transId, result: 'success', factMoney: 100, key: 'not-the-key', succTime: '20261125120000' }).body,
      signedNotification({ transId: paid.transId, result: 'success', factMoney: 200, succTime: '20261125120000' }).body,
      signedNotification({ transId: 'UNKNOWN0000000000001', result: 'success', factMoney: 100, succTime: '20261125120000' }).body,
      signedNotification({ transId: pending.transId, result: 'failure', factMoney: 0, key: 'wrong', succTime: '' }).body,
    ];
  });
  afterAll(async () => {
    await t.close();
    await db.drop();
  });

  function inputArb(): fc.Arbitrary<FuzzInput> {
    const base = fc.constantFrom(...bases);
    const mutated = fc.tuple(base, fc.array(fc.oneof(fc.constantFrom(...NASTY_PAIRS), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 })), { maxLength: 4 }), fc.nat()).map(
      ([b, extras, at]) => {
        const parts = b.split('&');
        for (const e of extras) parts.splice(at % (parts.length + 1), 0, e);
        return parts.join('&');
      },
    );
    const duplicateKeys = fc.tuple(base, fc.constantFrom('TransID', 'FactMoney', 'Md5Sign', 'MemberID', 'Result'), fc.string({ maxLength: 20 })).map(([b, k, v]) => `${b}&${k}=${encodeURIComponent(v)}`);
    const truncated = fc.tuple(base, fc.nat()).map(([b, n]) => b.slice(0, n % (b.length + 1)));
    const json = base.map((b) => JSON.stringify(Object.fromEntries(new URLSearchParams(b))));
    const huge = fc.tuple(base, fc.constantFrom(1_000, 9_000, 70_000), fc.constantFrom('AdditionalInfo', 'TransID', 'x')).map(([b, n, k]) => `${b}&${k}=${'A'.repeat(n)}`);
    const manyParams = fc.integer({ min: 30, max: 400 }).map((n) => Array.from({ length: n }, (_, i) => `p${i}=${i}`).join('&'));
    const garbage = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 100 }));
    return fc.record({
      method: fc.constantFrom('POST' as const, 'POST' as const, 'POST' as const, 'GET' as const),
      contentType: fc.constantFrom(...CONTENT_TYPES),
      body: fc.oneof(mutated, duplicateKeys, truncated, json, huge, manyParams, garbage, base),
    });
  }

  function fakeRequest(input: FuzzInput): Request {
    const headers: Record<string, string> = {};
    if (input.contentType !== undefined) headers['content-type'] = input.contentType;
    const path = input.method === 'GET' ? `/baofoo/notify?${input.body}` : '/baofoo/notify';
    return { method: input.method, headers, originalUrl: path, url: path, rawBody: Buffer.from(input.body, 'utf8'), _body: true, readable: false, body: {} } as unknown as Request;
  }

  it('reads and checks 100,000 fuzzed requests in-process without a crash, a verified forgery or a polluted prototype', async () => {
    let runs = 0;
    let verified = 0;
    await fc.assert(
      fc.asyncProperty(inputArb(), async (input) => {
        runs += 1;
        const { inbound, error } = await readNotificationRequest(fakeRequest(input), '127.0.0.1', options);
        if (error) {
          expect(error.status).toBeGreaterThanOrEqual(400);
          expect(error.status).toBeLessThan(500);
          return;
        }
        let received;
        try {
          received = readNotification(inbound.params ?? {});
        } catch (e) {
          expect(e).toBeInstanceOf(BaofooProtocolError);
          return;
        }
        const check = signer.checkPaymentResult(received.fields);
        if (check.valid) {
          verified += 1;
          // Only the authentic bases (the PAID order's duplicate, the unknown order) may verify, with their signed fields intact.
          expect([`${watched[1]}:200`, 'UNKNOWN0000000000001:100']).toContain(`${received.fields.TransID}:${received.fields.FactMoney}`);
        }
      }),
      { numRuns: 100_000 },
    );
    expect(runs).toBe(100_000);
    expect(verified).toBeGreaterThan(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  }, 60_000);

  it('answers 1,500 fuzzed requests over HTTP without a 5xx or an order change, and records every refusal: signed ones in the ledger, the rest counted', async () => {
    const snapshot = () =>
      t.dataSource.query(`SELECT trans_id, status, version, fact_money::text AS fact, updated_at FROM baofoo_payment_orders WHERE trans_id = ANY($1) ORDER BY trans_id`, [watched]);
    const before = await snapshot();
    const refusals = async (): Promise<number> => {
      await t.app.get(RefusalRecorder).flush();
      const [{ n }] = await t.dataSource.query(
        `SELECT (SELECT count(*) FROM baofoo_notification_ledger WHERE verdict = 'rejected' AND key_id IS NOT NULL) + (SELECT COALESCE(sum(count), 0) FROM baofoo_refusal_counts) AS n`,
      );
      return Number(n);
    };
    const refusalsBefore = await refusals();
    const port = (t.app.getHttpServer().address() as AddressInfo).port;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const inputs = fc.sample(inputArb(), { numRuns: 1_500, seed: 8 });
    expect(inputs).toHaveLength(1_500);
    const answers: { status: number; body: string }[] = [];
    for (let i = 0; i < inputs.length; i += 16) {
      answers.push(
        ...(await Promise.all(
          inputs.slice(i, i + 16).map(
            (input) =>
              new Promise<{ status: number; body: string }>((resolve, reject) => {
                const body = Buffer.from(input.body, 'utf8');
                const headers: Record<string, string | number> = { 'content-length': input.method === 'POST' ? body.length : 0 };
                if (input.contentType !== undefined) headers['content-type'] = input.contentType;
                const path = input.method === 'GET' ? `/baofoo/notify?${encodeURI(input.body).slice(0, 6000)}` : '/baofoo/notify';
                const req = http.request({ host: '127.0.0.1', port, method: input.method, path, headers, agent }, (res) => {
                  let text = '';
                  res.setEncoding('utf8');
                  res.on('data', (c: string) => (text += c));
                  res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
                });
                req.on('error', reject);
                req.end(input.method === 'POST' ? body : undefined);
              }),
          ),
        )),
      );
    }
    agent.destroy();
    const failed = answers.flatMap((a, i) => (a.status >= 500 ? [{ ...inputs[i], body: inputs[i].body.slice(0, 300) }] : []));
    expect(failed).toEqual([]);
    expect(await snapshot()).toEqual(before);
    const nonOk = answers.filter((a) => a.body !== 'OK');
    expect(nonOk.every((a) => a.body.startsWith('FAIL'))).toBe(true);
    expect((await refusals()) - refusalsBefore).toBe(nonOk.length);
    expect(nonOk.length).toBeGreaterThan(1_000);
  }, 60_000);
});
