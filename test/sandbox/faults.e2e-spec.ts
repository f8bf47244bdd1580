import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { startSandboxGateway, type SandboxGateway } from '../../src/sandbox/index.ts';
import { decodeForm, GBK_MERCHANT, MerchantStub, postForm, querySignature, resultSignature, signedForm, submit, TEST_MERCHANT } from './support.ts';

const KEY = TEST_MERCHANT.key;

describe('Sandbox gateway: faults, per payment and global', () => {
  let sandbox: SandboxGateway;
  const merchant = new MerchantStub();

  beforeAll(async () => {
    await merchant.start();
    sandbox = await startSandboxGateway({ merchants: [{ ...TEST_MERCHANT }, GBK_MERCHANT], retryDelaysMs: [0, 2, 4], browserLeadMs: 100 });
  });

  afterEach(() => sandbox.setFaults({}));

  afterAll(async () => {
    await sandbox.stop();
    await merchant.stop();
  });

  async function order(over: Record<string, string> = {}): Promise<Record<string, string>> {
    const fields = signedForm({ PageUrl: merchant.pageUrl, ReturnUrl: merchant.notifyUrl, ...over });
    const { res } = await submit(sandbox.payindexUrl, fields);
    expect(res.status).toBe(200);
    return fields;
  }

  async function query(transId: string): Promise<{ status: number; text: string; ms: number }> {
    const started = Date.now();
    const res = await postForm(sandbox.queryUrl, `MemberID=100000178&TerminalID=10000001&TransID=${transId}&MD5Sign=${querySignature('100000178', '10000001', transId, KEY)}`);
    return { status: res.status, text: await res.text(), ms: Date.now() - started };
  }

  it('drops the notification of one payment, set before it was submitted, while the query still answers Y', async () => {
    const transId = 'DROP' + Date.now();
    sandbox.setFaults({ dropNotification: true }, { transId });
    await order({ TransID: transId });
    await sandbox.pay(transId);
    const report = await sandbox.waitForDelivery(transId);
    expect(report).toMatchObject({ outcome: 'dropped', attempts: [] });
    expect(merchant.notificationsFor(transId)).toEqual([]);
    expect(sandbox.payment(transId)).toMatchObject({ state: 'paid', notified: false });
    expect((await query(transId)).text.split('|')[3]).toBe('Y');
  });

  it('sends N concurrent identical copies of each attempt', async () => {
    const fields = await order();
    merchant.script(fields.TransID, ['no']);
    await sandbox.pay(fields.TransID, { result: 'paid' }, { faults: { duplicates: 3 } });
    const report = await sandbox.waitForDelivery(fields.TransID);
    expect(report.outcome).toBe('gave-up');
    expect(report.attempts).toHaveLength(9);
    const first = report.attempts.filter((a) => a.attempt === 1);
    expect(first.map((a) => a.copy).sort()).toEqual([1, 2, 3]);
    expect(new Set(first.map((a) => a.body)).size).toBe(1);
    const lastStart = Math.max(...first.map((a) => Date.parse(a.startedAt)));
    const firstEnd = Math.min(...first.map((a) => Date.parse(a.finishedAt)));
    expect(lastStart).toBeLessThanOrEqual(firstEnd);
    expect(merchant.notificationsFor(fields.TransID)).toHaveLength(9);
  });

  it('stops all copies once one of them is answered OK', async () => {
    const fields = await order();
    await sandbox.pay(fields.TransID, { result: 'paid' }, { faults: { duplicates: 2 } });
    const report = await sandbox.waitForDelivery(fields.TransID);
    expect(report.outcome).toBe('delivered');
    expect(report.attempts.map((a) => a.attempt)).toEqual([1, 1]);
  });

  it('delays the first attempt', async () => {
    const fields = await order();
    sandbox.setFaults({ delayMs: 80 });
    await sandbox.pay(fields.TransID);
    const report = await sandbox.waitForDelivery(fields.TransID);
    const [decided] = sandbox.records({ type: 'outcome', transId: fields.TransID });
    expect(Date.parse(report.attempts[0].startedAt) - Date.parse(decided.at)).toBeGreaterThanOrEqual(75);
  });

  it('sends a correctly signed failure after the success', async () => {
    const fields = await order();
    await sandbox.pay(fields.TransID, { result: 'paid' }, { faults: { outOfOrder: 'failure-after-success' } });
    const extra = await sandbox.waitForDelivery(fields.TransID, { kind: 'out-of-order' });
    expect(extra.outcome).toBe('delivered');
    const sent = merchant.notificationsFor(fields.TransID).map((r) => r.fields);
    expect(sent.map((f) => [f.Result, f.ResultDesc])).toEqual([
      ['1', '01'],
      ['0', '0001'],
    ]);
    for (const f of sent) expect(f.Md5Sign).toBe(resultSignature(f, KEY));
    expect((await query(fields.TransID)).text.split('|')[3]).toBe('Y');
  });

  it('can send the failure before the success instead', async () => {
    const fields = await order();
    const receipt = await sandbox.pay(fields.TransID, { result: 'paid' }, { faults: { outOfOrder: 'failure-before-success' } });
    const reports = await receipt.deliveries;
    expect(reports.map((r) => [r.kind, r.outcome])).toEqual([
      ['out-of-order', 'delivered'],
      ['result', 'delivered'],
    ]);
    expect(merchant.notificationsFor(fields.TransID).map((r) => r.fields.Result)).toEqual(['0', '1']);
  });

  it('corrupts the signature of the notification but not the other fields', async () => {
    const fields = await order();
    merchant.script(fields.TransID, ['bad signature']);
    await sandbox.pay(fields.TransID, { result: 'paid' }, { faults: { corruptSignature: true } });
    const report = await sandbox.waitForDelivery(fields.TransID);
    expect(report.outcome).toBe('gave-up');
    const [sent] = merchant.notificationsFor(fields.TransID);
    expect(sent.fields.Md5Sign).toMatch(/^[0-9a-f]{32}$/);
    expect(sent.fields.Md5Sign).not.toBe(resultSignature(sent.fields, KEY));
    expect(sent.fields).toMatchObject({ Result: '1', FactMoney: '100', TransID: fields.TransID });
  });

  it('adds unsigned extra fields such as BankID, leaving the signature valid over the nine fields', async () => {
    const fields = await order();
    sandbox.setFaults({ extraFields: { BankID: '3002' } }, { transId: fields.TransID });
    const receipt = await sandbox.pay(fields.TransID);
    await sandbox.waitForDelivery(fields.TransID);
    const [sent] = merchant.notificationsFor(fields.TransID);
    expect(sent.body).toMatch(/&Md5Sign=[0-9a-f]{32}&BankID=3002$/);
    expect(sent.fields.Md5Sign).toBe(resultSignature(sent.fields, KEY));
    expect(new URL(receipt.pageUrl!).searchParams.get('BankID')).toBe('3002');
  });

  it('encodes and signs the result in GBK when asked, even for a UTF-8 merchant', async () => {
    const fields = await order({ AdditionalInfo: '中文' });
    await sandbox.pay(fields.TransID, { result: 'paid' }, { faults: { charset: 'gbk' } });
    const report = await sandbox.waitForDelivery(fields.TransID);
    const body = report.attempts[0].body;
    expect(body).toContain('AdditionalInfo=%D6%D0%CE%C4');
    const sent = decodeForm(body, 'gbk');
    expect(sent.AdditionalInfo).toBe('中文');
    expect(sent.Md5Sign).toBe(resultSignature(sent, KEY, 'gbk'));
    expect(sent.Md5Sign).not.toBe(resultSignature(sent, KEY, 'utf-8'));
  });

  it('signs and encodes in GBK for a GBK merchant without any fault', async () => {
    const fields = signedForm({ PageUrl: merchant.pageUrl, ReturnUrl: merchant.notifyUrl, AdditionalInfo: '备注' }, GBK_MERCHANT);
    await submit(sandbox.payindexUrl, fields, 'gbk');
    await sandbox.pay(fields.TransID);
    const report = await sandbox.waitForDelivery(fields.TransID);
    const sent = decodeForm(report.attempts[0].body, 'gbk');
    expect(sent).toMatchObject({ MemberID: GBK_MERCHANT.memberId, AdditionalInfo: '备注' });
    expect(sent.Md5Sign).toBe(resultSignature(sent, GBK_MERCHANT.key, 'gbk'));
  });

  it('notifies before the browser returns, or after it', async () => {
    const before = await order();
    await sandbox.pay(before.TransID, { result: 'paid' }, { browser: true, faults: { notifyTiming: 'before-browser' } });
    await sandbox.waitForDelivery(before.TransID);
    const after = await order();
    await sandbox.pay(after.TransID, { result: 'paid' }, { browser: true, faults: { notifyTiming: 'after-browser' } });
    await sandbox.waitForDelivery(after.TransID);
    const order1 = merchant.received.filter((r) => r.fields.TransID === before.TransID).map((r) => r.path);
    const order2 = merchant.received.filter((r) => r.fields.TransID === after.TransID).map((r) => r.path);
    expect(order1).toEqual(['/notify', '/return']);
    expect(order2).toEqual(['/return', '/notify']);
    expect(sandbox.records({ type: 'browser-return', transId: after.TransID })).toEqual([expect.objectContaining({ via: 'api', status: 200 })]);
  });

  it('holds the cashier redirect until the notification was answered when a cashier checkbox asks for it', async () => {
    const fields = signedForm({ PageUrl: merchant.pageUrl, ReturnUrl: merchant.notifyUrl });
    const { cashier } = await submit(sandbox.payindexUrl, fields);
    const res = await postForm(`${sandbox.url}${cashier}/pay`, 'fault-notify-before-browser=on&fault-extra-bankid=on');
    expect(res.status).toBe(302);
    const received = merchant.notificationsFor(fields.TransID);
    expect(received).toHaveLength(1);
    expect(received[0].fields.BankID).toBe('3002');
    await sandbox.waitForDelivery(fields.TransID);
  });

  it('sends the cashier browser back first and notifies a little later when a cashier checkbox asks for it', async () => {
    const fields = signedForm({ PageUrl: merchant.pageUrl, ReturnUrl: merchant.notifyUrl });
    const { cashier } = await submit(sandbox.payindexUrl, fields);
    const res = await postForm(`${sandbox.url}${cashier}/pay`, 'fault-notify-after-browser=on');
    expect(res.status).toBe(302);
    expect(merchant.notificationsFor(fields.TransID)).toHaveLength(0);
    const report = await sandbox.waitForDelivery(fields.TransID);
    expect(report.outcome).toBe('delivered');
    const [browser] = sandbox.records({ type: 'browser-return', transId: fields.TransID });
    expect(browser.seq).toBeLessThan(report.attempts[0].seq);
    expect(Date.parse(report.attempts[0].startedAt) - Date.parse(browser.at)).toBeGreaterThanOrEqual(95);
  });

  it('answers queries slowly, with a 5xx status or with garbage', async () => {
    const fields = await order();
    sandbox.setFaults({ queryDelayMs: 120 }, { transId: fields.TransID });
    const slow = await query(fields.TransID);
    expect(slow.ms).toBeGreaterThanOrEqual(110);
    expect(slow.text.split('|')).toHaveLength(7);
    expect(sandbox.queries(fields.TransID).at(-1)).toMatchObject({ fault: 'delay', checkResult: 'P' });

    sandbox.setFaults({ queryStatus: 503 });
    const unavailable = await query(fields.TransID);
    expect(unavailable.status).toBe(503);
    expect(unavailable.text.split('|')).toHaveLength(1);

    sandbox.setFaults({ queryGarbage: true });
    const garbage = await query(fields.TransID);
    expect(garbage.status).toBe(200);
    expect(garbage.text).toContain('<html>');
    expect(sandbox.queries(fields.TransID).map((q) => q.fault)).toEqual(['delay', 'status', 'garbage']);
  });

  it('applies global faults given in the options to every payment', async () => {
    const local = await startSandboxGateway({ retryDelaysMs: [0], faults: { duplicates: 2, extraFields: { BankID: '4002' } } });
    try {
      const fields = signedForm({ PageUrl: merchant.pageUrl, ReturnUrl: merchant.notifyUrl });
      await submit(local.payindexUrl, fields);
      await local.pay(fields.TransID);
      const report = await local.waitForDelivery(fields.TransID);
      expect(report.attempts).toHaveLength(2);
      expect(report.attempts.every((a) => a.fields.BankID === '4002')).toBe(true);
    } finally {
      await local.stop();
    }
  });

  it('refuses an unknown fault switch', () => {
    expect(() => sandbox.setFaults({ dropEverything: true } as never)).toThrow(/not a known fault/);
    expect(() => sandbox.setFaults({ extraFields: { Md5Sign: 'x' } })).toThrow(/nine signed fields/);
  });
});
