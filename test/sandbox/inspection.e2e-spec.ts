import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSandboxGateway, type DeliveryRecord, type SandboxGateway } from '../../src/sandbox/index.ts';
import { MerchantStub, postForm, querySignature, signedForm, submit, TEST_MERCHANT } from './support.ts';

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.json() };
}

const post = (url: string, body: unknown, method = 'POST') => json(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('Sandbox gateway: records and the JSON endpoint', () => {
  let sandbox: SandboxGateway;
  const merchant = new MerchantStub();

  beforeAll(async () => {
    await merchant.start();
    sandbox = await startSandboxGateway({ retryDelaysMs: [0, 2] });
  });

  afterAll(async () => {
    await sandbox.stop();
    await merchant.stop();
  });

  it('records every request and notification attempt in order and serves them as JSON', async () => {
    const fields = signedForm({ PageUrl: merchant.pageUrl, ReturnUrl: merchant.notifyUrl });
    await submit(sandbox.payindexUrl, fields);
    merchant.script(fields.TransID, ['not yet', 'OK']);
    await sandbox.pay(fields.TransID);
    await sandbox.waitForDelivery(fields.TransID);
    await postForm(sandbox.queryUrl, `MemberID=100000178&TerminalID=10000001&TransID=${fields.TransID}&MD5Sign=${querySignature('100000178', '10000001', fields.TransID, TEST_MERCHANT.key)}`);

    const types = sandbox.records({ transId: fields.TransID }).map((r) => r.type);
    expect(types).toEqual(['payindex', 'outcome', 'notification', 'notification', 'delivery', 'query']);

    const all = await json(`${sandbox.url}/_sandbox/records?transId=${fields.TransID}`);
    expect(all.status).toBe(200);
    expect(all.body).toEqual(JSON.parse(JSON.stringify(sandbox.records({ transId: fields.TransID }))));
    const attempts = await json(`${sandbox.url}/_sandbox/records?type=notification&transId=${fields.TransID}`);
    expect(attempts.body.map((a: any) => [a.attempt, a.responseText, a.acknowledged])).toEqual([
      [1, 'not yet', false],
      [2, 'OK', true],
    ]);
    expect(attempts.body[0]).toEqual(expect.objectContaining({ method: 'POST', url: merchant.notifyUrl, status: 200, startedAt: expect.any(String), finishedAt: expect.any(String), body: expect.stringContaining('Md5Sign=') }));
    expect((await json(`${sandbox.url}/_sandbox/records?type=nonsense`)).status).toBe(400);
  });

  it('lists payments without ever showing a key', async () => {
    const res = await fetch(`${sandbox.url}/_sandbox/payments`);
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(JSON.parse(text).length).toBeGreaterThan(0);
    expect(text).not.toContain(TEST_MERCHANT.key);
  });

  it('lets another process set faults and decide payments over HTTP', async () => {
    const fields = signedForm({ PageUrl: merchant.pageUrl, ReturnUrl: merchant.notifyUrl });
    await submit(sandbox.payindexUrl, fields);
    const set = await post(`${sandbox.url}/_sandbox/faults`, { transId: fields.TransID, faults: { duplicates: 2 } }, 'PUT');
    expect(set.body.perTransId[fields.TransID]).toEqual({ duplicates: 2 });
    expect((await post(`${sandbox.url}/_sandbox/faults`, { faults: { duplicates: 0 } }, 'PUT')).status).toBe(400);

    const decided = await post(`${sandbox.url}/_sandbox/payments/${fields.TransID}/outcome`, { result: 'failed', resultDesc: '0014', wait: true });
    expect(decided.status).toBe(200);
    expect(decided.body.payment).toMatchObject({ state: 'failed', resultDesc: '0014' });
    expect(decided.body.deliveries[0]).toMatchObject({ outcome: 'delivered', attempts: [expect.objectContaining({ copy: 1 }), expect.objectContaining({ copy: 2 })] });
    expect((await post(`${sandbox.url}/_sandbox/payments/${fields.TransID}/outcome`, { result: 'paid' })).status).toBe(409);
    expect((await post(`${sandbox.url}/_sandbox/payments/NOSUCHORDER1/settle`, { result: 'paid' })).status).toBe(404);
  });

  it('settles an abandoned order silently over HTTP', async () => {
    const fields = signedForm({ PageUrl: merchant.pageUrl, ReturnUrl: merchant.notifyUrl });
    await submit(sandbox.payindexUrl, fields);
    await post(`${sandbox.url}/_sandbox/payments/${fields.TransID}/outcome`, { result: 'abandoned' });
    const settled = await post(`${sandbox.url}/_sandbox/payments/${fields.TransID}/settle`, { result: 'paid', factMoney: 90 });
    expect(settled.body.payment).toMatchObject({ state: 'paid', factMoney: 90, notified: false });
  });

  it('waits for a payment submitted by someone else, then for its query, on events', async () => {
    const fields = signedForm({ PageUrl: merchant.pageUrl, ReturnUrl: merchant.notifyUrl });
    const waiting = sandbox.waitForPayment(fields.TransID);
    const seen: string[] = [];
    const unsubscribe = sandbox.onRecord((r) => seen.push(r.type));
    await submit(sandbox.payindexUrl, fields);
    expect((await waiting).fields.TransID).toBe(fields.TransID);
    unsubscribe();
    expect(seen).toEqual(['payindex']);
    await expect(sandbox.waitForQuery(fields.TransID, { timeoutMs: 20 })).rejects.toThrow(/timed out after 20 ms waiting for an order query/);
  });

  it('cancels pending retries when it stops, and records how each delivery ended', async () => {
    const local = await startSandboxGateway({ retryDelaysMs: [0, 600_000] });
    const fields = signedForm({ PageUrl: merchant.pageUrl, ReturnUrl: merchant.notifyUrl });
    await submit(local.payindexUrl, fields);
    merchant.script(fields.TransID, ['busy']);
    await local.pay(fields.TransID);
    await local.waitForRecord((r) => r.type === 'notification' && r.transId === fields.TransID);
    const waiting = local.waitForDelivery(fields.TransID);
    await local.stop();
    expect((await waiting).outcome).toBe('cancelled');
    const [end] = local.records({ type: 'delivery' }) as DeliveryRecord[];
    expect(end).toMatchObject({ outcome: 'cancelled', attempts: 1 });
  });

  it('shows an index page naming its endpoints', async () => {
    const html = await (await fetch(sandbox.url)).text();
    expect(html).toContain(`POST ${sandbox.url}/payindex`);
    expect(html).toContain(`POST ${sandbox.url}/order/query`);
  });
});
