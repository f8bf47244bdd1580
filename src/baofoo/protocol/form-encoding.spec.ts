import fc from 'fast-check';
import iconv from 'iconv-lite';
import type { BaofooCharset } from './charset.ts';
import { BaofooProtocolError } from './errors.ts';
import { DEFAULT_FORM_LIMITS, parseForm, renderForm } from './form-encoding.ts';
import { protocolErrorOf } from '../../../test/support/protocol-error-of.ts';

/** Characters GBK can encode and decode back unchanged: ASCII and common Chinese text. */
const CHINESE = [...'中文测试订单备注支付银行充值卡商户号码的一是不了人我在有他这为之大来以个宝付，。：！？（）；“”、'];
const gbkText = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)),
    fc.constantFrom(...CHINESE),
  ),
});


/** The percent-encoded bytes of text in a charset, computed with Buffer/iconv directly. */
function percentBytes(text: string, charset: BaofooCharset): string {
  const bytes = charset === 'utf-8' ? Buffer.from(text, 'utf8') : iconv.encode(text, 'gbk');
  return [...bytes].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

describe('parseForm', () => {
  it('reads name=value pairs separated by ampersands', () => {
    expect({ ...parseForm('MemberID=100000178&TerminalID=10000001&Result=1', 'utf-8') }).toEqual({ MemberID: '100000178', TerminalID: '10000001', Result: '1' });
  });

  it('returns an empty map for an empty body', () => {
    expect(Object.keys(parseForm('', 'utf-8'))).toEqual([]);
  });

  it('reads a plus sign as a space and an encoded plus sign as a plus', () => {
    const form = parseForm('a=hello+world&b=1%2B1&c=+', 'utf-8');
    expect(form.a).toBe('hello world');
    expect(form.b).toBe('1+1');
    expect(form.c).toBe(' ');
  });

  it('decodes percent-encoded UTF-8 Chinese text in the utf-8 charset', () => {
    expect(parseForm('AdditionalInfo=%E4%B8%AD%E6%96%87', 'utf-8').AdditionalInfo).toBe('中文');
  });

  it('decodes percent-encoded GBK Chinese text in the gbk charset', () => {
    expect(parseForm('AdditionalInfo=%D6%D0%CE%C4', 'gbk').AdditionalInfo).toBe('中文');
  });

  it('does not read GBK bytes as the same text in the utf-8 charset', () => {
    expect(parseForm('AdditionalInfo=%D6%D0%CE%C4', 'utf-8').AdditionalInfo).not.toBe('中文');
  });

  it('accepts lower-case hex digits in percent-encoding', () => {
    expect(parseForm('a=%e4%b8%ad', 'utf-8').a).toBe('中');
  });

  it('keeps raw non-ASCII characters next to percent-encoded ones', () => {
    expect(parseForm('a=中%E6%96%87', 'utf-8').a).toBe('中文');
    expect(parseForm('a=中%CE%C4', 'gbk').a).toBe('中文');
    expect(parseForm('a=中文', 'gbk').a).toBe('中文');
  });

  it('reads a name without an equals sign as an empty value', () => {
    const form = parseForm('AdditionalInfo&Result=1', 'utf-8');
    expect(form.AdditionalInfo).toBe('');
    expect(form.Result).toBe('1');
  });

  it('keeps equals signs after the first one in the value', () => {
    expect(parseForm('a=b=c', 'utf-8').a).toBe('b=c');
  });

  it('skips empty pairs from doubled or trailing ampersands', () => {
    expect({ ...parseForm('&a=1&&b=2&', 'utf-8') }).toEqual({ a: '1', b: '2' });
  });

  it('decodes percent-encoded names', () => {
    expect(parseForm('Md5%53ign=x', 'utf-8').Md5Sign).toBe('x');
  });

  it('refuses a repeated name', () => {
    const error = protocolErrorOf(() => parseForm('Result=1&Result=0', 'utf-8'));
    expect(error.code).toBe('FORM_DUPLICATE_PARAMETER');
    expect(error.evidence).toEqual({ name: 'Result' });
  });

  it('refuses a name repeated under a different percent-encoding', () => {
    expect(protocolErrorOf(() => parseForm('Result=1&%52esult=0', 'utf-8')).code).toBe('FORM_DUPLICATE_PARAMETER');
  });

  it('refuses a repeated name even when both values are equal', () => {
    expect(protocolErrorOf(() => parseForm('a=1&a=1', 'gbk')).code).toBe('FORM_DUPLICATE_PARAMETER');
  });

  it('returns a map without a prototype', () => {
    expect(Object.getPrototypeOf(parseForm('a=1', 'utf-8'))).toBeNull();
  });

  it('stores __proto__ as a plain own key without polluting Object.prototype', () => {
    const form = parseForm('__proto__=polluted&constructor=x&toString=y&hasOwnProperty=z', 'utf-8');
    expect(Object.getPrototypeOf(form)).toBeNull();
    expect(Object.hasOwn(form, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(form, '__proto__')?.value).toBe('polluted');
    expect(Object.keys(form)).toEqual(['__proto__', 'constructor', 'toString', 'hasOwnProperty']);
    expect(form.constructor).toBe('x');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.toString).toBeInstanceOf(Function);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });

  it('stores an encoded __proto__ name as a plain own key too', () => {
    const form = parseForm('%5F%5Fproto%5F%5F=%7B%22x%22%3A1%7D', 'utf-8');
    expect(Object.getOwnPropertyDescriptor(form, '__proto__')?.value).toBe('{"x":1}');
    expect(Object.getPrototypeOf(form)).toBeNull();
  });

  it.each(['a=%', 'a=%4', 'a=%ZZ', 'a=%G0', 'a=1%2', '%=1', 'a=%%41', 'a=%+1'])('refuses the broken percent-encoding %s', (text) => {
    expect(protocolErrorOf(() => parseForm(text, 'utf-8')).code).toBe('FORM_MALFORMED');
    expect(protocolErrorOf(() => parseForm(text, 'gbk')).code).toBe('FORM_MALFORMED');
  });

  it('accepts as many parameters as the limit allows', () => {
    const text = Array.from({ length: DEFAULT_FORM_LIMITS.maxParameters }, (_, i) => `p${i}=${i}`).join('&');
    expect(Object.keys(parseForm(text, 'utf-8'))).toHaveLength(DEFAULT_FORM_LIMITS.maxParameters);
  });

  it('refuses more parameters than the limit rather than dropping some', () => {
    const text = Array.from({ length: DEFAULT_FORM_LIMITS.maxParameters + 1 }, (_, i) => `p${i}=${i}`).join('&');
    const error = protocolErrorOf(() => parseForm(text, 'utf-8'));
    expect(error.code).toBe('FORM_TOO_MANY_PARAMETERS');
    expect(error.evidence).toEqual({ count: DEFAULT_FORM_LIMITS.maxParameters + 1 });
  });

  it('applies custom limits', () => {
    expect(protocolErrorOf(() => parseForm('a=1&b=2&c=3', 'utf-8', { maxParameters: 2, maxValueLength: 10 })).code).toBe('FORM_TOO_MANY_PARAMETERS');
    expect(protocolErrorOf(() => parseForm('a=12345678901', 'utf-8', { maxParameters: 2, maxValueLength: 10 })).code).toBe('FORM_VALUE_TOO_LONG');
    expect(parseForm('a=1234567890&b=', 'utf-8', { maxParameters: 2, maxValueLength: 10 }).a).toBe('1234567890');
  });

  it('accepts a value exactly as long as the limit', () => {
    expect(parseForm(`a=${'x'.repeat(DEFAULT_FORM_LIMITS.maxValueLength)}`, 'utf-8').a).toHaveLength(DEFAULT_FORM_LIMITS.maxValueLength);
  });

  it('refuses a value longer than the limit', () => {
    const error = protocolErrorOf(() => parseForm(`a=${'x'.repeat(DEFAULT_FORM_LIMITS.maxValueLength + 1)}`, 'utf-8'));
    expect(error.code).toBe('FORM_VALUE_TOO_LONG');
    expect(error.evidence).toEqual({ name: 'a', length: DEFAULT_FORM_LIMITS.maxValueLength + 1 });
  });

  it('measures the value length in characters after decoding', () => {
    const limit = DEFAULT_FORM_LIMITS.maxValueLength;
    expect(parseForm(`a=${percentBytes('中'.repeat(limit), 'utf-8')}`, 'utf-8').a).toBe('中'.repeat(limit));
    expect(parseForm(`a=${percentBytes('中'.repeat(limit), 'gbk')}`, 'gbk').a).toBe('中'.repeat(limit));
    expect(protocolErrorOf(() => parseForm(`a=${percentBytes('中'.repeat(limit + 1), 'utf-8')}`, 'utf-8')).code).toBe('FORM_VALUE_TOO_LONG');
  });

  it.each([undefined, null, 42, {}, Buffer.from('a=1')])('refuses a body that is not text (%p) with a protocol error', (body) => {
    expect(protocolErrorOf(() => parseForm(body as unknown as string, 'utf-8')).code).toBe('FORM_MALFORMED');
  });

  it('never throws anything but a BaofooProtocolError on arbitrary strings', () => {
    const formish = fc.string({ unit: fc.constantFrom('%', '&', '=', '+', 'a', 'F', '4', '1', 'g', '中', ' ', '\u00ff', '\ud800') });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string(), formish, fc.string({ unit: 'grapheme-ascii', maxLength: 200 })), fc.constantFrom<BaofooCharset>('utf-8', 'gbk'), (text, charset) => {
        try {
          const form = parseForm(text, charset);
          return Object.getPrototypeOf(form) === null && Object.values(form).every((v) => typeof v === 'string');
        } catch (error) {
          return error instanceof BaofooProtocolError;
        }
      }),
      { numRuns: 10_000 },
    );
  });
});

describe('renderForm', () => {
  it('encodes a space as a plus and keeps letters, digits and -._* as they are', () => {
    expect(renderForm({ a: 'hello world', b: 'Az09-._*' })).toBe('a=hello+world&b=Az09-._*');
  });

  it('percent-encodes the separators and the percent sign in names and values', () => {
    expect(renderForm({ 'a&b': 'c=d+e%f~|~' })).toBe('a%26b=c%3Dd%2Be%25f%7E%7C%7E');
  });

  it('encodes Chinese text as UTF-8 bytes by default', () => {
    expect(renderForm({ a: '中文' })).toBe(`a=${percentBytes('中文', 'utf-8')}`);
    expect(renderForm({ a: '中文' })).toBe('a=%E4%B8%AD%E6%96%87');
  });

  it('encodes Chinese text as GBK bytes in the gbk charset', () => {
    expect(renderForm({ a: '中文' }, 'gbk')).toBe('a=%D6%D0%CE%C4');
  });

  it('renders an empty value as name=', () => {
    expect(renderForm({ AdditionalInfo: '', Result: '1' })).toBe('AdditionalInfo=&Result=1');
  });

  it('renders an empty map as an empty string', () => {
    expect(renderForm({})).toBe('');
  });
});

describe('renderForm and parseForm', () => {
  it('round-trip a notification with Chinese text in utf-8 and in gbk', () => {
    const fields = { MemberID: '100000178', AdditionalInfo: '订单备注：测试中文 & more=1+1%', BankID: '3002' };
    for (const charset of ['utf-8', 'gbk'] as const) {
      expect({ ...parseForm(renderForm(fields, charset), charset) }).toEqual(fields);
    }
  });

  it('round-trip __proto__ as an ordinary name', () => {
    const fields: Record<string, string> = Object.create(null);
    fields.__proto__ = 'x';
    fields.a = 'b';
    const back = parseForm(renderForm(fields), 'utf-8');
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toBe('x');
    expect(back.a).toBe('b');
  });

  const dictionaryOf = (text: fc.Arbitrary<string>) => fc.dictionary(text, text, { maxKeys: DEFAULT_FORM_LIMITS.maxParameters });

  it('round-trip arbitrary unicode fields in utf-8', () => {
    fc.assert(
      fc.property(dictionaryOf(fc.string({ unit: 'binary' })), (fields) => {
        const back = parseForm(renderForm(fields, 'utf-8'), 'utf-8');
        expect(Object.entries(back)).toEqual(Object.entries(fields));
      }),
      { numRuns: 2_000 },
    );
  });

  it('round-trip arbitrary ASCII and Chinese fields in gbk', () => {
    fc.assert(
      fc.property(dictionaryOf(gbkText), (fields) => {
        const back = parseForm(renderForm(fields, 'gbk'), 'gbk');
        expect(Object.entries(back)).toEqual(Object.entries(fields));
      }),
      { numRuns: 2_000 },
    );
  });
});
