import fc from 'fast-check';
import type { BaofooCharset } from './charset.ts';
import { BaofooProtocolError } from './errors.ts';
import { buildQueryRequest, parseQueryAnswer, renderQueryAnswer, verifyQueryRequest, type QueryAnswer } from './order-query.ts';
import type { CheckResult } from './result-codes.ts';
import { protocolErrorOf } from '../../../test/support/protocol-error-of.ts';
import { md5 } from '../../../test/support/independent-md5.ts';


const KEY = 'abcdefg';
const GOLDEN = '100000178|10000001|2014010101010101|N|0|20141029184503|b4d6a91f6af4ce07c87420762d73d0e0';

/** The test merchant's key ring; every other merchant is unknown. */
const testMerchant = (memberId: string, terminalId: string): readonly string[] => (memberId === '100000178' && terminalId === '10000001' ? [KEY] : []);


/** A signed answer line, written out independently of the code under test. */
function signedAnswer(parts: [string, string, string, string, string, string], key = KEY, charset: BaofooCharset = 'utf-8'): string {
  return `${parts.join('|')}|${md5(`${parts.join('|')}|${key}`, charset)}`;
}

describe('buildQueryRequest', () => {
  it('signs MemberID|TerminalID|TransID|key', () => {
    expect(buildQueryRequest({ MemberID: '100000178', TerminalID: '10000001', TransID: '2014010101010101' }, KEY)).toEqual({
      MemberID: '100000178',
      TerminalID: '10000001',
      TransID: '2014010101010101',
      MD5Sign: md5('100000178|10000001|2014010101010101|abcdefg'),
    });
  });

  it('sends only the four documented fields', () => {
    const ids = { MemberID: '100000178', TerminalID: '10000001', TransID: '2014010101010101', Extra: 'x' };
    expect(Object.keys(buildQueryRequest(ids, KEY))).toEqual(['MemberID', 'TerminalID', 'TransID', 'MD5Sign']);
  });

  it('signs the GBK bytes of the key when the merchant is configured for GBK', () => {
    expect(buildQueryRequest({ MemberID: '100000178', TerminalID: '10000001', TransID: '2014010101010101' }, '密钥', 'gbk').MD5Sign).toBe(
      md5('100000178|10000001|2014010101010101|密钥', 'gbk'),
    );
  });
});

describe('verifyQueryRequest', () => {
  const request = { MemberID: '100000178', TerminalID: '10000001', TransID: '2014010101010101', MD5Sign: md5('100000178|10000001|2014010101010101|abcdefg') };

  it('verifies a request signed with the merchant key, in either case', () => {
    expect(verifyQueryRequest(request, KEY)).toBe(true);
    expect(verifyQueryRequest({ ...request, MD5Sign: request.MD5Sign.toUpperCase() }, KEY)).toBe(true);
  });

  it('rejects a request signed with another key or changed after signing', () => {
    expect(verifyQueryRequest(request, 'abcdefh')).toBe(false);
    expect(verifyQueryRequest({ ...request, TransID: '2014010101010102' }, KEY)).toBe(false);
    expect(verifyQueryRequest({ ...request, MD5Sign: '' }, KEY)).toBe(false);
  });
});

describe('renderQueryAnswer', () => {
  it('renders the golden vector of the interface document', () => {
    const answer: QueryAnswer = { memberId: '100000178', terminalId: '10000001', transId: '2014010101010101', checkResult: 'N', succMoney: 0, succTime: '20141029184503' };
    expect(renderQueryAnswer(answer, KEY)).toBe(GOLDEN);
  });

  it('keeps an empty SuccTime as an empty slot in the text and in the signature', () => {
    const answer: QueryAnswer = { memberId: '100000178', terminalId: '10000001', transId: '20141029184503AB12CD', checkResult: 'P', succMoney: 0, succTime: '' };
    expect(renderQueryAnswer(answer, KEY)).toBe(`100000178|10000001|20141029184503AB12CD|P|0||${md5('100000178|10000001|20141029184503AB12CD|P|0||abcdefg')}`);
  });
});

describe('parseQueryAnswer', () => {
  it('parses and verifies the golden vector of the interface document', () => {
    expect(parseQueryAnswer(GOLDEN, testMerchant)).toEqual({
      memberId: '100000178',
      terminalId: '10000001',
      transId: '2014010101010101',
      checkResult: 'N',
      succMoney: 0,
      succTime: '20141029184503',
    });
  });

  it('asks the key ring for the merchant the answer names', () => {
    const calls: [string, string][] = [];
    parseQueryAnswer(GOLDEN, (memberId, terminalId) => {
      calls.push([memberId, terminalId]);
      return [KEY];
    });
    expect(calls).toEqual([['100000178', '10000001']]);
  });

  it('accepts the answer with a trailing newline and surrounding whitespace', () => {
    expect(parseQueryAnswer(`  ${GOLDEN}\r\n`, testMerchant).checkResult).toBe('N');
  });

  it('accepts an upper-case signature', () => {
    const upper = GOLDEN.replace('b4d6a91f6af4ce07c87420762d73d0e0', 'B4D6A91F6AF4CE07C87420762D73D0E0');
    expect(parseQueryAnswer(upper, testMerchant).transId).toBe('2014010101010101');
  });

  it('reads a paid order with its amount in fen', () => {
    const text = signedAnswer(['100000178', '10000001', '20141029184503AB12CD', 'Y', '12345', '20141029185012']);
    expect(parseQueryAnswer(text, testMerchant)).toEqual({
      memberId: '100000178',
      terminalId: '10000001',
      transId: '20141029184503AB12CD',
      checkResult: 'Y',
      succMoney: 12345,
      succTime: '20141029185012',
    });
  });

  it.each<CheckResult>(['Y', 'F', 'P', 'N'])('reads the CheckResult %s', (checkResult) => {
    const text = signedAnswer(['100000178', '10000001', '20141029184503AB12CD', checkResult, '0', '']);
    const answer = parseQueryAnswer(text, testMerchant);
    expect(answer.checkResult).toBe(checkResult);
    expect(answer.succTime).toBe('');
  });

  it('verifies with the second key of a key ring', () => {
    const text = signedAnswer(['100000178', '10000001', '20141029184503AB12CD', 'Y', '100', '20141029185012'], 'old-key');
    expect(parseQueryAnswer(text, () => ['new-key', 'old-key']).succMoney).toBe(100);
  });

  it('verifies a GBK-signed answer in the gbk charset', () => {
    const text = signedAnswer(['100000178', '10000001', '20141029184503AB12CD', 'Y', '100', '20141029185012'], '中文密钥', 'gbk');
    expect(parseQueryAnswer(text, () => ['中文密钥'], 'gbk').checkResult).toBe('Y');
    expect(protocolErrorOf(() => parseQueryAnswer(text, () => ['中文密钥'], 'utf-8')).code).toBe('QUERY_ANSWER_BAD_SIGNATURE');
  });

  it.each([
    ['a Chinese error message', '参数错误'],
    ['a Chinese message about the merchant', '商户号不存在或未开通此功能'],
    ['an English message', 'Invalid parameters'],
    ['an empty body', ''],
    ['whitespace', ' \r\n'],
    ['an HTML error page', '<html><body>502 Bad Gateway</body></html>'],
    ['six fields', '100000178|10000001|2014010101010101|N|0|20141029184503'],
    ['eight fields', `${GOLDEN}|extra`],
    ['eight fields with an empty last one', `${GOLDEN}|`],
    ['seven fields of text', 'a|b|c|d|e|f|g'],
  ])('refuses %s as unparseable, never as a state', (_label, text) => {
    expect(protocolErrorOf(() => parseQueryAnswer(text, testMerchant)).code).toBe('QUERY_ANSWER_UNPARSEABLE');
  });

  it('keeps the gateway text, cut to 200 characters, as evidence', () => {
    const text = `参数错误${'x'.repeat(300)}`;
    const error = protocolErrorOf(() => parseQueryAnswer(text, testMerchant));
    expect(error.evidence).toEqual({ text: text.slice(0, 200) });
    expect(error.message).toContain('参数错误');
  });

  it.each(['y', 'S', '', 'YES', '0', 'toString', '__proto__'])('refuses the CheckResult %p', (checkResult) => {
    const text = signedAnswer(['100000178', '10000001', '2014010101010101', checkResult, '0', '20141029184503']);
    expect(protocolErrorOf(() => parseQueryAnswer(text, testMerchant)).code).toBe('QUERY_ANSWER_UNPARSEABLE');
  });

  it.each(['1.5', '-1', '01', '', '1e3', ' 1', '1,000', '9007199254740992', '9999999999999999', '99999999999999999999'])('refuses the succMoney %p', (succMoney) => {
    const text = signedAnswer(['100000178', '10000001', '2014010101010101', 'Y', succMoney, '20141029184503']);
    expect(protocolErrorOf(() => parseQueryAnswer(text, testMerchant)).code).toBe('QUERY_ANSWER_UNPARSEABLE');
  });

  it('accepts the largest safe amount', () => {
    const text = signedAnswer(['100000178', '10000001', '2014010101010101', 'Y', '9007199254740991', '20141029184503']);
    expect(parseQueryAnswer(text, testMerchant).succMoney).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each(['20140230120000', '2014102918450', '201410291845031', '20141029250000', 'now'])('refuses the SuccTime %p', (succTime) => {
    const text = signedAnswer(['100000178', '10000001', '2014010101010101', 'Y', '100', succTime]);
    expect(protocolErrorOf(() => parseQueryAnswer(text, testMerchant)).code).toBe('QUERY_ANSWER_UNPARSEABLE');
  });

  it.each<[string, string]>([
    ['a flipped bit', GOLDEN.replace(/e0$/, 'e1')],
    ['a signature made with another key', signedAnswer(['100000178', '10000001', '2014010101010101', 'N', '0', '20141029184503'], 'abcdefh')],
    ['an empty signature', GOLDEN.replace(/\|[0-9a-f]{32}$/, '|')],
    ['a 31-character signature', GOLDEN.slice(0, -1)],
    ['a non-hex signature', GOLDEN.replace(/e0$/, 'zz')],
    ['a changed CheckResult', GOLDEN.replace('|N|', '|Y|')],
    ['a changed amount', GOLDEN.replace('|N|0|', '|N|100|')],
    ['a changed TransID', GOLDEN.replace('2014010101010101', '2014010101010102')],
  ])('refuses an answer with %s as a bad signature', (_label, text) => {
    const error = protocolErrorOf(() => parseQueryAnswer(text, testMerchant));
    expect(error.code).toBe('QUERY_ANSWER_BAD_SIGNATURE');
  });

  it('refuses an answer that verifies with none of the keys of the ring', () => {
    expect(protocolErrorOf(() => parseQueryAnswer(GOLDEN, () => ['key-1', 'key-2'])).code).toBe('QUERY_ANSWER_BAD_SIGNATURE');
  });

  it('refuses an answer for a merchant that is not configured', () => {
    const text = signedAnswer(['100000999', '10000001', '2014010101010101', 'Y', '100', '20141029184503']);
    const error = protocolErrorOf(() => parseQueryAnswer(text, testMerchant));
    expect(error.code).toBe('QUERY_ANSWER_UNKNOWN_MERCHANT');
    expect(error.message).toContain('100000999/10000001');
  });

  it.each([undefined, null, 42, {}])('refuses a body that is not text (%p)', (text) => {
    expect(protocolErrorOf(() => parseQueryAnswer(text as unknown as string, testMerchant)).code).toBe('QUERY_ANSWER_UNPARSEABLE');
  });

  it('throws nothing but a BaofooProtocolError on arbitrary strings', () => {
    const part = fc.oneof(fc.string(), fc.constantFrom('Y', 'N', '0', '100', '20141029184503', '', '100000178', '10000001'), fc.stringMatching(/^[0-9a-f]{32}$/));
    const text = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: fc.constantFrom('|', '1', '0', 'Y', 'N', ' ', '\n', 'a') }),
      fc.array(part, { minLength: 5, maxLength: 9 }).map((parts) => parts.join('|')),
      fc.tuple(fc.constantFrom('Y', 'F', 'P', 'N', 'y', ''), fc.oneof(fc.string(), fc.bigInt({ min: 0n, max: 10n ** 20n }).map(String)), fc.oneof(fc.constant(''), fc.string(), fc.stringMatching(/^[0-9]{14}$/))).map(
        ([c, m, t]) => signedAnswer(['100000178', '10000001', '2014010101010101', c, m, t]),
      ),
    );
    fc.assert(
      fc.property(text, fc.boolean(), (body, known) => {
        try {
          const answer = parseQueryAnswer(body, known ? testMerchant : () => []);
          // Only a correctly signed answer may come back as a state.
          return known && answer.memberId === '100000178';
        } catch (error) {
          return error instanceof BaofooProtocolError;
        }
      }),
      { numRuns: 10_000 },
    );
  });
});

describe('renderQueryAnswer and parseQueryAnswer', () => {
  /** `yyyyMMddHHmmss` of an instant in UTC+8, computed without the code under test. */
  const shanghai = (instant: Date) => new Date(instant.getTime() + 8 * 3600_000).toISOString().replace(/[-T:]/g, '').slice(0, 14);

  const CHINESE = [...'中文测试订单备注支付银行充值卡商户号码密钥'];
  const keyText = (charset: BaofooCharset) =>
    charset === 'utf-8'
      ? fc.string({ unit: 'binary', minLength: 1 })
      : fc.string({ unit: fc.oneof(fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), fc.constantFrom(...CHINESE)), minLength: 1 });

  const answerArb = fc.record({
    memberId: fc.stringMatching(/^[0-9]{1,12}$/),
    terminalId: fc.stringMatching(/^[0-9]{1,12}$/),
    transId: fc.stringMatching(/^[A-Za-z0-9]{8,20}$/),
    checkResult: fc.constantFrom<CheckResult>('Y', 'F', 'P', 'N'),
    succMoney: fc.maxSafeNat(),
    succTime: fc.oneof(fc.constant(''), fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map(shanghai)),
  });

  it.each<BaofooCharset>(['utf-8', 'gbk'])('round-trip arbitrary valid answers signed in %s, with the key anywhere in the ring', (charset) => {
    fc.assert(
      fc.property(answerArb, keyText(charset), fc.array(fc.string({ minLength: 1 }), { maxLength: 3 }), fc.nat(), (answer, key, others, at) => {
        const text = renderQueryAnswer(answer, key, charset);
        const s = `${answer.memberId}|${answer.terminalId}|${answer.transId}|${answer.checkResult}|${answer.succMoney}|${answer.succTime}`;
        if (text !== `${s}|${md5(`${s}|${key}`, charset)}`) return false;
        const ring = others.filter((k) => k !== key);
        ring.splice(at % (ring.length + 1), 0, key);
        const back = parseQueryAnswer(text, (m, t) => (m === answer.memberId && t === answer.terminalId ? ring : []), charset);
        return (
          back.memberId === answer.memberId &&
          back.terminalId === answer.terminalId &&
          back.transId === answer.transId &&
          back.checkResult === answer.checkResult &&
          back.succMoney === answer.succMoney &&
          back.succTime === answer.succTime
        );
      }),
      { numRuns: 10_000 },
    );
  });
});
