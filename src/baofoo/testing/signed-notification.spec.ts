import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';
import { signedNotification } from './signed-notification.ts';

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');
const gbk = (text: string): Uint8Array => iconv.encode(text, 'gbk');

/** Spec §3, written out by hand rather than through the library. */
function expectedSign(f: Record<string, string>, key: string, encode = utf8): string {
  return md5(
    encode(
      `MemberID=${f.MemberID}~|~TerminalID=${f.TerminalID}~|~TransID=${f.TransID}~|~Result=${f.Result}~|~ResultDesc=${f.ResultDesc}` +
        `~|~FactMoney=${f.FactMoney}~|~AdditionalInfo=${f.AdditionalInfo}~|~SuccTime=${f.SuccTime}~|~Md5Sign=${key}`,
    ),
  );
}

describe('signedNotification', () => {
  it('signs a success for the published test merchant by default, exactly as spec §3 computes it', () => {
    const n = signedNotification({ transId: 'T2026112500000001', result: 'success', factMoney: 100, succTime: '20261125120000' });
    expect(n.fields).toEqual({
      MemberID: '100000178',
      TerminalID: '10000001',
      TransID: 'T2026112500000001',
      Result: '1',
      ResultDesc: '01',
      FactMoney: '100',
      AdditionalInfo: '',
      SuccTime: '20261125120000',
      Md5Sign: md5(utf8('MemberID=100000178~|~TerminalID=10000001~|~TransID=T2026112500000001~|~Result=1~|~ResultDesc=01~|~FactMoney=100~|~AdditionalInfo=~|~SuccTime=20261125120000~|~Md5Sign=abcdefg')),
    });
  });

  it('signs a failure with result 0 and ResultDesc 0000 unless another code is given', () => {
    const plain = signedNotification({ transId: 'T2026112500000002', result: 'failure', factMoney: 0, succTime: '' });
    expect([plain.fields.Result, plain.fields.ResultDesc, plain.fields.SuccTime]).toEqual(['0', '0000', '']);
    expect(plain.fields.Md5Sign).toBe(expectedSign(plain.fields, 'abcdefg'));
    const balance = signedNotification({ transId: 'T2026112500000002', result: 'failure', resultDesc: '0013', factMoney: 0 });
    expect(balance.fields.ResultDesc).toBe('0013');
    expect(balance.fields.Md5Sign).toBe(expectedSign(balance.fields, 'abcdefg'));
  });

  it('uses the merchant and key it is given, so a test can forge with a wrong key', () => {
    const n = signedNotification({ transId: 'ABCDEFGH12', memberId: '200000001', terminalId: '20000001', key: 'other-key', result: 'success', factMoney: '5000' });
    expect([n.fields.MemberID, n.fields.TerminalID, n.fields.FactMoney]).toEqual(['200000001', '20000001', '5000']);
    expect(n.fields.Md5Sign).toBe(expectedSign(n.fields, 'other-key'));
    expect(n.fields.Md5Sign).not.toBe(expectedSign(n.fields, 'abcdefg'));
  });

  it('defaults SuccTime to the current Shanghai wall-clock time', () => {
    const before = Date.now();
    const n = signedNotification({ transId: 'ABCDEFGH12', result: 'success', factMoney: 1 });
    const shanghai = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().replace(/\D/g, '').slice(0, 14);
    expect(n.fields.SuccTime >= shanghai(before - 1000) && n.fields.SuccTime <= shanghai(Date.now() + 1000)).toBe(true);
  });

  it('sends unsigned extras after the signed fields without letting them change the signature', () => {
    const n = signedNotification({ transId: 'ABCDEFGH12', result: 'success', factMoney: 100, succTime: '20261125120000', extras: { BankID: '3002' } });
    expect(Object.keys(n.fields)).toEqual(['MemberID', 'TerminalID', 'TransID', 'Result', 'ResultDesc', 'FactMoney', 'AdditionalInfo', 'SuccTime', 'Md5Sign', 'BankID']);
    expect(n.fields.Md5Sign).toBe(expectedSign(n.fields, 'abcdefg'));
    expect(n.body.endsWith('&BankID=3002')).toBe(true);
  });

  it('refuses extras that would silently replace a signed field', () => {
    expect(() => signedNotification({ transId: 'ABCDEFGH12', result: 'success', factMoney: 100, extras: { FactMoney: '1' } })).toThrow(/protocol field/);
  });

  it('refuses a factMoney that is not a whole number of fen', () => {
    expect(() => signedNotification({ transId: 'ABCDEFGH12', result: 'success', factMoney: 1.5 })).toThrow(RangeError);
    expect(() => signedNotification({ transId: 'ABCDEFGH12', result: 'success', factMoney: -1 })).toThrow(RangeError);
  });

  it('renders the body and the query string as the same percent-encoded UTF-8 form', () => {
    const n = signedNotification({ transId: 'ABCDEFGH12', result: 'success', factMoney: 100, succTime: '20261125120000', additionalInfo: '订单 a&b=c' });
    const parsed = new URLSearchParams(n.body);
    expect(Object.fromEntries(parsed)).toEqual(n.fields);
    expect(n.body).toContain(`AdditionalInfo=${encodeURIComponent('订单').replaceAll('%20', '+')}+a%26b%3Dc`);
    expect(n.query).toBe(`?${n.body}`);
    expect(n.fields.Md5Sign).toBe(expectedSign(n.fields, 'abcdefg'));
  });

  it('signs GBK bytes and percent-encodes GBK bytes when the charset is gbk', () => {
    const n = signedNotification({ transId: 'ABCDEFGH12', result: 'success', factMoney: 100, succTime: '20261125120000', additionalInfo: '宝付测试', charset: 'gbk' });
    expect(n.charset).toBe('gbk');
    expect(n.fields.Md5Sign).toBe(expectedSign(n.fields, 'abcdefg', gbk));
    expect(n.fields.Md5Sign).not.toBe(expectedSign(n.fields, 'abcdefg', utf8));
    const gbkPercent = [...gbk('宝付测试')].map((b: number) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    expect(n.body).toContain(`AdditionalInfo=${gbkPercent}&`);
    expect(/^[\x21-\x7e]*$/.test(n.body)).toBe(true);
  });
});
