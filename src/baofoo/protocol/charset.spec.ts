import fc from 'fast-check';
import { CHARSETS, decodeText, encodeText } from './charset.ts';

describe('charsets', () => {
  it('supports utf-8 and gbk', () => {
    expect(CHARSETS).toEqual(['utf-8', 'gbk']);
  });

  it('encodes Chinese text as UTF-8 bytes', () => {
    expect([...encodeText('中文', 'utf-8')]).toEqual([0xe4, 0xb8, 0xad, 0xe6, 0x96, 0x87]);
  });

  it('encodes Chinese text as GBK bytes', () => {
    expect([...encodeText('中文', 'gbk')]).toEqual([0xd6, 0xd0, 0xce, 0xc4]);
  });

  it('encodes ASCII identically in both charsets', () => {
    const ascii = 'MemberID=100000178~|~Md5Sign=abcdefg';
    expect(encodeText(ascii, 'gbk')).toEqual(Buffer.from(ascii, 'ascii'));
    expect(encodeText(ascii, 'utf-8')).toEqual(Buffer.from(ascii, 'ascii'));
  });

  it('decodes UTF-8 and GBK bytes back to the text', () => {
    expect(decodeText(Buffer.from([0xe4, 0xb8, 0xad, 0xe6, 0x96, 0x87]), 'utf-8')).toBe('中文');
    expect(decodeText(Buffer.from([0xd6, 0xd0, 0xce, 0xc4]), 'gbk')).toBe('中文');
  });

  it('replaces a character GBK cannot encode instead of throwing', () => {
    expect(() => encodeText('😀', 'gbk')).not.toThrow();
    expect(decodeText(encodeText('a😀b', 'gbk'), 'gbk')).not.toBe('a😀b');
  });

  it('round-trips arbitrary well-formed unicode text in utf-8', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => decodeText(encodeText(text, 'utf-8'), 'utf-8') === text),
      { numRuns: 2_000 },
    );
  });

  it('round-trips arbitrary ASCII and common Chinese text in gbk', () => {
    const chinese = [...'中文测试订单备注支付银行充值卡商户号码的一是不了人我在有他这为之大来以个宝付，。：！？（）；“”、'];
    const text = fc.string({ unit: fc.oneof(fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), fc.constantFrom(...chinese)) });
    fc.assert(
      fc.property(text, (t) => decodeText(encodeText(t, 'gbk'), 'gbk') === t),
      { numRuns: 2_000 },
    );
  });
});
