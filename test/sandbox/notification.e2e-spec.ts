import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSandboxGateway, type SandboxGateway } from '../../src/sandbox/index.ts';
import { closedPort, MerchantStub, postForm, resultSignature, signedForm, submit, TEST_MERCHANT } from './support.ts';

const SUCC_TIME = /^20\d{12}$/;

describe('Sandbox gateway: the payment result sent to ReturnUrl and PageUrl', () => {
  let sandbox: SandboxGateway;
  const merchant = new MerchantStub();

  beforeAll(async () => {
    await merchant.start();
    sandbox = await startSandboxGateway({ retryDelaysMs: [0, 2, 4, 6, 8] });
  });

  afterAll(async () => {
    await sandbox.stop();
    await merchant.stop();
  });

  async function submitted(over: Record<string, string> = {}): Promise<{ fields: Record<string, string>; cashier: string }> {
    const fields = signedForm({ PageUrl: merchant.pageUrl, ReturnUrl: merchant.notifyUrl, ...over });
    const { res, cashier } = await submit(sandbox.payindexUrl, fields);
    expect(res.status).toBe(200);
    return { fields, cashier: `${sandbox.url}${cashier}` };
  }

  it('pays from the cashier page, posts the signed result to ReturnUrl and sends the browser to PageUrl with the same fields', async () => {
    const { fields, cashier } = await submitted({ PayID: '', OrderMoney: '250', AdditionalInfo: 'order-7' });
    const res = await postForm(`${cashier}/pay`, 'PayID=4003');
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(merchant.pageUrl);
    const page = Object.fromEntries(location.searchParams);

    const report = await sandbox.waitForDelivery(fields.TransID);
    expect(report.outcome).toBe('delivered');
    expect(report.attempts).toHaveLength(1);
    const [sent] = merchant.notificationsFor(fields.TransID);
    expect(sent.method).toBe('POST');
    expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(sent.fields).toEqual({
      MemberID: '100000178',
      TerminalID: '10000001',
      TransID: fields.TransID,
      Result: '1',
      ResultDesc: '01',
      FactMoney: '250',
      AdditionalInfo: 'order-7',
      SuccTime: expect.stringMatching(SUCC_TIME),
      Md5Sign: resultSignature(sent.fields, TEST_MERCHANT.key),
    });
    expect(page).toEqual(sent.fields);
    expect(sandbox.payment(fields.TransID)).toMatchObject({ state: 'paid', payId: '4003', factMoney: 250, notified: true });
    expect(report.attempts[0]).toMatchObject({ status: 200, responseText: 'OK', acknowledged: true, attempt: 1, copy: 1, body: sent.body });
  });

  it('retries a notification until the answer is OK and stops after it', async () => {
    const { fields } = await submitted();
    merchant.script(fields.TransID, [{ status: 500, body: 'boom' }, 'FAIL', 'okay', '  OK', 'OK']);
    await sandbox.pay(fields.TransID);
    const report = await sandbox.waitForDelivery(fields.TransID);
    expect(report.outcome).toBe('delivered');
    expect(report.attempts.map((a) => [a.attempt, a.status, a.responseText, a.acknowledged])).toEqual([
      [1, 500, 'boom', false],
      [2, 200, 'FAIL', false],
      [3, 200, 'okay', false],
      [4, 200, '  OK', true],
    ]);
    expect(merchant.notificationsFor(fields.TransID)).toHaveLength(4);
    const bodies = new Set(report.attempts.map((a) => a.body));
    expect(bodies.size).toBe(1);
  });

  it('gives up after the last attempt of the schedule when the merchant never answers OK', async () => {
    const { fields } = await submitted();
    merchant.script(fields.TransID, ['fail']);
    await sandbox.pay(fields.TransID);
    const report = await sandbox.waitForDelivery(fields.TransID);
    expect(report.outcome).toBe('gave-up');
    expect(report.attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(merchant.notificationsFor(fields.TransID)).toHaveLength(5);
  });

  it('records an attempt that reached no one, with the reason, and keeps retrying', async () => {
    const fields = signedForm({ PageUrl: merchant.pageUrl, ReturnUrl: `http://127.0.0.1:${await closedPort()}/notify` });
    await submit(sandbox.payindexUrl, fields);
    const receipt = await sandbox.pay(fields.TransID);
    const [report] = await receipt.deliveries;
    expect(report.outcome).toBe('gave-up');
    expect(report.attempts).toHaveLength(5);
    expect(report.attempts[0]).toMatchObject({ status: null, responseText: null, acknowledged: false, error: expect.stringMatching(/ECONNREFUSED|refused/i) });
  });

  it('sends a failure chosen at the cashier with its ResultDesc', async () => {
    const { fields, cashier } = await submitted();
    const res = await postForm(`${cashier}/fail`, 'ResultDesc=0013');
    expect(res.status).toBe(302);
    const report = await sandbox.waitForDelivery(fields.TransID);
    const sent = report.attempts[0].fields;
    expect(sent).toMatchObject({ Result: '0', ResultDesc: '0013', FactMoney: '0' });
    expect(sent.Md5Sign).toBe(resultSignature(sent, TEST_MERCHANT.key));
    expect(sandbox.payment(fields.TransID)?.state).toBe('failed');
  });

  it('pays a prepaid card with the chosen face value, so FactMoney differs from OrderMoney', async () => {
    const { fields, cashier } = await submitted({ PayID: '101', OrderMoney: '5000' });
    await postForm(`${cashier}/pay`, 'FaceValue=3000');
    const report = await sandbox.waitForDelivery(fields.TransID);
    expect(report.attempts[0].fields).toMatchObject({ Result: '1', FactMoney: '3000' });

    const api = await submitted({ PayID: '111', OrderMoney: '1000' });
    const receipt = await sandbox.pay(api.fields.TransID, { result: 'paid', faceValue: 500 });
    expect(receipt.fields).toMatchObject({ FactMoney: '500' });
    await expect(sandbox.pay(api.fields.TransID)).rejects.toThrow(/already paid/);
  });

  it('refuses a face value the card does not have and a second decision on the cashier page', async () => {
    const { fields, cashier } = await submitted({ PayID: '103', OrderMoney: '3000' });
    await expect(sandbox.pay(fields.TransID, { result: 'paid', faceValue: 700 })).rejects.toThrow(/not a face value/);
    expect((await postForm(`${cashier}/pay`, 'FaceValue=3000')).status).toBe(302);
    const second = await postForm(`${cashier}/fail`, 'ResultDesc=0000');
    expect(second.status).toBe(409);
    await sandbox.waitForDelivery(fields.TransID);
  });

  it('can send the result as a GET query string to ReturnUrl', async () => {
    const local = await startSandboxGateway({ retryDelaysMs: [0], notifyMethod: 'GET' });
    try {
      const fields = signedForm({ PageUrl: merchant.pageUrl, ReturnUrl: `${merchant.notifyUrl}?shop=1` });
      await submit(local.payindexUrl, fields);
      await local.pay(fields.TransID);
      const report = await local.waitForDelivery(fields.TransID);
      expect(report.outcome).toBe('delivered');
      const [sent] = merchant.notificationsFor(fields.TransID);
      expect(sent.method).toBe('GET');
      expect(sent.query.startsWith('shop=1&MemberID=100000178&')).toBe(true);
      expect(sent.fields.Md5Sign).toBe(resultSignature(sent.fields, TEST_MERCHANT.key));
    } finally {
      await local.stop();
    }
  });

  it('sends nothing when the shopper abandons, and settles the order silently on request', async () => {
    const { fields, cashier } = await submitted();
    const res = await postForm(`${cashier}/abandon`, '');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Payment abandoned');
    expect(sandbox.payment(fields.TransID)?.state).toBe('abandoned');
    sandbox.settle(fields.TransID, { result: 'paid' });
    expect(sandbox.payment(fields.TransID)).toMatchObject({ state: 'paid', factMoney: 100, notified: false });
    expect(sandbox.records({ type: 'delivery', transId: fields.TransID })).toEqual([]);
    expect(merchant.notificationsFor(fields.TransID)).toEqual([]);
  });

  it('re-sends a decided result on request, as the gateway re-sends unacknowledged successes', async () => {
    const { fields } = await submitted();
    await sandbox.pay(fields.TransID);
    const first = await sandbox.waitForDelivery(fields.TransID);
    const [again] = await sandbox.notifyAgain(fields.TransID);
    expect(again).toMatchObject({ kind: 'resend', outcome: 'delivered' });
    expect(again.attempts[0].body).toBe(first.attempts[0].body);
    expect(merchant.notificationsFor(fields.TransID)).toHaveLength(2);
  });

  it('shows the submitted page again at its cashier address and refuses unknown cashiers', async () => {
    const { cashier } = await submitted();
    expect((await fetch(cashier)).status).toBe(200);
    expect((await fetch(`${sandbox.url}/cashier/${'0'.repeat(32)}`)).status).toBe(404);
  });
});
