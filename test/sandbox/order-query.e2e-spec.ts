import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSandboxGateway, type SandboxGateway } from '../../src/sandbox/index.ts';
import { md5, MerchantStub, postForm, querySignature, signedForm, submit, TEST_MERCHANT } from './support.ts';

const { memberId, terminalId, key } = TEST_MERCHANT;

/** The document's sample moment: 2014-10-29 18:45:03 in Shanghai. */
const SAMPLE_INSTANT = new Date('2014-10-29T18:45:03+08:00');

async function query(url: string, transId: string, sign = querySignature(memberId, terminalId, transId, key), extra = ''): Promise<{ status: number; text: string }> {
  const res = await postForm(url, `MemberID=${memberId}&TerminalID=${terminalId}&TransID=${transId}&MD5Sign=${sign}${extra}`);
  return { status: res.status, text: await res.text() };
}

/** Splits and verifies a seven-field answer independently: md5(first six fields|key). */
function verified(text: string): string[] {
  const parts = text.split('|');
  expect(parts).toHaveLength(7);
  expect(parts[6]).toBe(md5([...parts.slice(0, 6), key].join('|')));
  return parts;
}

describe('Sandbox gateway: the order query at /order/query', () => {
  let now = SAMPLE_INSTANT;
  let sandbox: SandboxGateway;
  let limited: SandboxGateway;
  const merchant = new MerchantStub();

  beforeAll(async () => {
    await merchant.start();
    sandbox = await startSandboxGateway({ retryDelaysMs: [0], clock: () => now });
    limited = await startSandboxGateway({ retryDelaysMs: [0], clock: () => now, queryMinIntervalMs: 60_000 });
  });

  afterAll(async () => {
    await Promise.all([sandbox.stop(), limited.stop()]);
    await merchant.stop();
  });

  it('answers the golden vector of the document for an unknown order', async () => {
    const { status, text } = await query(sandbox.queryUrl, '2014010101010101');
    expect(status).toBe(200);
    expect(text).toBe('100000178|10000001|2014010101010101|N|0|20141029184503|b4d6a91f6af4ce07c87420762d73d0e0');
  });

  it('answers P for a submitted order, then Y with FactMoney and SuccTime once paid, with a verifiable signature', async () => {
    const fields = signedForm({ PageUrl: merchant.pageUrl, ReturnUrl: merchant.notifyUrl, PayID: '112', OrderMoney: '5000' });
    await submit(sandbox.payindexUrl, fields);
    expect(verified((await query(sandbox.queryUrl, fields.TransID)).text).slice(3, 5)).toEqual(['P', '0']);

    now = new Date('2026-03-01T10:20:30+08:00');
    await sandbox.pay(fields.TransID, { result: 'paid', faceValue: 3000 });
    const answer = verified((await query(sandbox.queryUrl, fields.TransID)).text);
    expect(answer.slice(0, 6)).toEqual([memberId, terminalId, fields.TransID, 'Y', '3000', '20260301102030']);
    expect((await sandbox.waitForQuery(fields.TransID)).checkResult).toBe('P');
    expect(sandbox.queries(fields.TransID).map((q) => q.checkResult)).toEqual(['P', 'Y']);
  });

  it('answers F for a failed order and P for an abandoned one', async () => {
    const failed = signedForm({ PageUrl: merchant.pageUrl, ReturnUrl: merchant.notifyUrl });
    const abandoned = signedForm({ PageUrl: merchant.pageUrl, ReturnUrl: merchant.notifyUrl });
    await submit(sandbox.payindexUrl, failed);
    await submit(sandbox.payindexUrl, abandoned);
    await sandbox.fail(failed.TransID, '0015');
    await sandbox.abandon(abandoned.TransID);
    expect(verified((await query(sandbox.queryUrl, failed.TransID)).text)[3]).toBe('F');
    expect(verified((await query(sandbox.queryUrl, abandoned.TransID)).text)[3]).toBe('P');
    sandbox.settle(abandoned.TransID, { result: 'failed', resultDesc: '0002' });
    expect(verified((await query(sandbox.queryUrl, abandoned.TransID)).text)[3]).toBe('F');
  });

  it('answers an error text, never seven fields, for a bad MD5Sign, missing parameters or an unknown merchant', async () => {
    const bad = await query(sandbox.queryUrl, '2014010101010101', md5('wrong'));
    expect(bad.text).toMatch(/^ERROR: MD5Sign verification failed/);
    expect(bad.text.split('|')).toHaveLength(1);

    const missing = await postForm(sandbox.queryUrl, `MemberID=${memberId}&TransID=2014010101010101`);
    expect(await missing.text()).toBe('ERROR: missing parameters: TerminalID, MD5Sign');

    const stranger = await postForm(sandbox.queryUrl, `MemberID=1&TerminalID=2&TransID=2014010101010101&MD5Sign=${md5('1|2|2014010101010101|abcdefg')}`);
    expect(await stranger.text()).toMatch(/^ERROR: no merchant 1/);
    expect(sandbox.queries('2014010101010101').filter((q) => q.refused).length).toBeGreaterThanOrEqual(2);
  });

  it('refuses a second query of the same order within a minute when the rate limit is on', async () => {
    const transId = 'RATE000000000001';
    expect(verified((await query(limited.queryUrl, transId)).text)[3]).toBe('N');
    const again = await query(limited.queryUrl, transId);
    expect(again.text).toBe('ERROR: query too frequent: at most one query per order per minute');
    expect(verified((await query(limited.queryUrl, 'RATE000000000002')).text)[3]).toBe('N');
    now = new Date(now.getTime() + 60_000);
    expect(verified((await query(limited.queryUrl, transId)).text)[3]).toBe('N');
  });
});

describe('Sandbox gateway: its log lines', () => {
  it('quote and escape what a sender sent, so a CR/LF in a TransID cannot forge a line', async () => {
    const lines: string[] = [];
    const logged = await startSandboxGateway({ retryDelaysMs: [0], log: (line) => lines.push(line) });
    try {
      const forged = 'X%0D%0AFORGED order query 1 of 2: Y';
      const res = await postForm(logged.queryUrl, `MemberID=${memberId}&TerminalID=${terminalId}&TransID=${forged}&MD5Sign=00`);
      await res.text();
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.filter((l) => /[\r\n]/.test(l))).toEqual([]);
      expect(lines.some((l) => l.includes(JSON.stringify('X\r\nFORGED order query 1 of 2: Y')))).toBe(true);
    } finally {
      await logged.stop();
    }
  });
});
