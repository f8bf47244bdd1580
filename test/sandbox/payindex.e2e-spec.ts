import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSandboxGateway, type PayindexRecord, type SandboxGateway } from '../../src/sandbox/index.ts';
import { encodeForm, GBK_MERCHANT, MerchantStub, postForm, signedForm, submit, TEST_MERCHANT } from './support.ts';

describe('Sandbox gateway: the payment request at /payindex', () => {
  let sandbox: SandboxGateway;
  const merchant = new MerchantStub();

  beforeAll(async () => {
    await merchant.start();
    sandbox = await startSandboxGateway({ merchants: [{ ...TEST_MERCHANT }, GBK_MERCHANT], retryDelaysMs: [0] });
  });

  afterAll(async () => {
    await sandbox.stop();
    await merchant.stop();
  });

  const form = (over: Record<string, string> = {}) => signedForm({ PageUrl: merchant.pageUrl, ReturnUrl: merchant.notifyUrl, ...over });

  function lastPayindex(transId: string): PayindexRecord {
    return sandbox.records({ type: 'payindex', transId }).at(-1) as PayindexRecord;
  }

  it('accepts a correctly signed form and shows the bank list when PayID is empty', async () => {
    const fields = form({ PayID: '' });
    const { res, html, cashier } = await submit(sandbox.payindexUrl, fields);
    expect(res.status).toBe(200);
    expect(cashier).toMatch(/^\/cashier\/[0-9a-f]{32}$/);
    expect(html).toContain('Choose your bank');
    expect(html).toContain('value="3002"');
    expect(html).toContain('value="4080001"');
    expect(html).toContain(fields.TransID);
    expect(lastPayindex(fields.TransID)).toMatchObject({ accepted: true, memberId: '100000178', fields: { Signature: fields.Signature } });
    expect(sandbox.payment(fields.TransID)).toMatchObject({ state: 'submitted', orderMoney: 100, requestedPayId: '' });
  });

  it('shows the product and the card face values for a prepaid card', async () => {
    const fields = form({ PayID: '102', OrderMoney: '5000' });
    const { res, html } = await submit(sandbox.payindexUrl, fields);
    expect(res.status).toBe(200);
    expect(html).toContain('China Unicom');
    expect(html).toMatch(/<option value="5000" selected>50\.00 yuan \(the order amount\)/);
    expect(html).toContain('<option value="2000">20.00 yuan (below the order amount)');
    expect(html).toContain('<option value="30000">300.00 yuan (above the order amount)');
  });

  it('escapes every merchant-provided value on the cashier page', async () => {
    const { html } = await submit(sandbox.payindexUrl, form({ ProductName: '<script>alert(1)</script>', AdditionalInfo: '"&\'' }));
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&amp;&#39;');
  });

  it('refuses a form tampered with after signing, with a readable error page', async () => {
    const fields: Record<string, string> = { ...form(), OrderMoney: '1' };
    const { res, html } = await submit(sandbox.payindexUrl, fields);
    expect(res.status).toBe(400);
    expect(res.headers.get('x-sandbox-error')).toBe('SIGNATURE_INVALID');
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('Payment request refused');
    expect(html).toContain('Signature does not match');
    expect(sandbox.payment(fields.TransID)).toBeUndefined();
    expect(lastPayindex(fields.TransID)).toMatchObject({ accepted: false, error: { code: 'SIGNATURE_INVALID' } });
  });

  it('refuses a repeated TransID after accepting it once', async () => {
    const fields = form();
    expect((await submit(sandbox.payindexUrl, fields)).res.status).toBe(200);
    const again = await submit(sandbox.payindexUrl, fields);
    expect(again.res.status).toBe(409);
    expect(again.res.headers.get('x-sandbox-error')).toBe('TRANS_ID_REPEATED');
    expect(again.html).toContain('already submitted');
  });

  it('refuses an unknown merchant', async () => {
    const fields = signedForm({ PageUrl: merchant.pageUrl, ReturnUrl: merchant.notifyUrl }, { memberId: '100000001', terminalId: '10000001', key: 'abcdefg' });
    const { res, html } = await submit(sandbox.payindexUrl, fields);
    expect(res.status).toBe(400);
    expect(res.headers.get('x-sandbox-error')).toBe('UNKNOWN_MERCHANT');
    expect(html).toContain('no merchant 100000001');
  });

  it('refuses a malformed amount even when it is correctly signed', async () => {
    const fields = form({ OrderMoney: '1.00' });
    const { res, html } = await submit(sandbox.payindexUrl, fields);
    expect(res.status).toBe(400);
    expect(res.headers.get('x-sandbox-error')).toBe('FIELD_INVALID');
    expect(html).toContain('<code>OrderMoney</code> must be a positive whole number of fen');
  });

  it('refuses fixed fields with the wrong value, a missing field and a repeated parameter', async () => {
    const wrong = await submit(sandbox.payindexUrl, form({ InterfaceVersion: '3.0', KeyType: '2' }));
    expect(wrong.res.status).toBe(400);
    expect(wrong.html).toContain('<code>InterfaceVersion</code> must be 4.0');
    expect(wrong.html).toContain('<code>KeyType</code> must be 1');

    const { Signature: _omitted, ...unsigned } = form();
    const missing = await submit(sandbox.payindexUrl, unsigned);
    expect(missing.res.headers.get('x-sandbox-error')).toBe('MISSING_FIELD');
    expect(missing.html).toContain('Signature');

    const fields = form();
    const repeated = await postForm(sandbox.payindexUrl, `${encodeForm(fields)}&TransID=OTHER12345`);
    expect(repeated.status).toBe(400);
    expect(repeated.headers.get('x-sandbox-error')).toBe('FORM_MALFORMED');
  });

  it('refuses a payment request that is not a form POST', async () => {
    expect((await fetch(sandbox.payindexUrl)).status).toBe(405);
    const json = await fetch(sandbox.payindexUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(415);
  });

  it('reads a GBK merchant form in GBK and keeps its Chinese text intact', async () => {
    const fields = signedForm({ PageUrl: merchant.pageUrl, ReturnUrl: merchant.notifyUrl, AdditionalInfo: '中文备注', ProductName: '测试商品' }, GBK_MERCHANT);
    const { res, html } = await submit(sandbox.payindexUrl, fields, 'gbk');
    expect(res.status).toBe(200);
    expect(html).toContain('中文备注');
    expect(sandbox.payment(fields.TransID)?.request.AdditionalInfo).toBe('中文备注');
  });
});
