import fc from 'fast-check';
import {
  md5Hex,
  paymentRequestSigningString,
  paymentResultSigningString,
  queryAnswerSigningString,
  queryRequestSigningString,
  signaturesMatch,
  type PaymentRequestSigned,
  type PaymentResultSigned,
} from './signature.ts';
import { md5 } from '../../../test/support/independent-md5.ts';


const KEY = 'abcdefg';

const REQUEST: PaymentRequestSigned = {
  MemberID: '100000178',
  PayID: '3002',
  TradeDate: '20141029184503',
  TransID: '20141029184503AB12CD',
  OrderMoney: '1',
  PageUrl: 'https://shop.example/baofoo/page',
  ReturnUrl: 'https://shop.example/baofoo/notify',
  NoticeType: '1',
};

const RESULT: PaymentResultSigned = {
  MemberID: '100000178',
  TerminalID: '10000001',
  TransID: '20141029184503AB12CD',
  Result: '1',
  ResultDesc: '01',
  FactMoney: '100',
  AdditionalInfo: 'order-42',
  SuccTime: '20141029185012',
};

/** Flips one bit of one hex digit, keeping the text valid hex of the same length. */
function flipBit(hex: string, index: number, bit: number): string {
  const flipped = (parseInt(hex[index], 16) ^ (1 << bit)).toString(16);
  return hex.slice(0, index) + flipped + hex.slice(index + 1);
}

describe('paymentRequestSigningString', () => {
  it('joins the eight signed request fields with pipes in the documented order and puts the key last', () => {
    expect(paymentRequestSigningString(REQUEST, KEY)).toBe(
      '100000178|3002|20141029184503|20141029184503AB12CD|1|https://shop.example/baofoo/page|https://shop.example/baofoo/notify|1|abcdefg',
    );
  });

  it('produces a request signature equal to the MD5 of the documented string', () => {
    const expected = md5('100000178|3002|20141029184503|20141029184503AB12CD|1|https://shop.example/baofoo/page|https://shop.example/baofoo/notify|1|abcdefg');
    expect(md5Hex(paymentRequestSigningString(REQUEST, KEY))).toBe(expected);
  });

  it('keeps the empty slot of an empty PayID between the pipes', () => {
    const signing = paymentRequestSigningString({ ...REQUEST, PayID: '' }, KEY);
    expect(signing).toBe('100000178||20141029184503|20141029184503AB12CD|1|https://shop.example/baofoo/page|https://shop.example/baofoo/notify|1|abcdefg');
    expect(md5Hex(signing)).toBe(md5('100000178||20141029184503|20141029184503AB12CD|1|https://shop.example/baofoo/page|https://shop.example/baofoo/notify|1|abcdefg'));
  });

  it('signs nothing but the eight documented fields and the key', () => {
    const withExtras = { ...REQUEST, TerminalID: '10000001', ProductName: 'anything', AdditionalInfo: 'x' } as PaymentRequestSigned;
    expect(paymentRequestSigningString(withExtras, KEY)).toBe(
      '100000178|3002|20141029184503|20141029184503AB12CD|1|https://shop.example/baofoo/page|https://shop.example/baofoo/notify|1|abcdefg',
    );
  });
});

describe('paymentResultSigningString', () => {
  it('joins name=value pairs with ~|~ and ends with the key under the name Md5Sign', () => {
    expect(paymentResultSigningString(RESULT, KEY)).toBe(
      'MemberID=100000178~|~TerminalID=10000001~|~TransID=20141029184503AB12CD~|~Result=1~|~ResultDesc=01~|~FactMoney=100~|~AdditionalInfo=order-42~|~SuccTime=20141029185012~|~Md5Sign=abcdefg',
    );
  });

  it('produces a result signature equal to the MD5 of the documented string', () => {
    const expected = md5(
      'MemberID=100000178~|~TerminalID=10000001~|~TransID=20141029184503AB12CD~|~Result=1~|~ResultDesc=01~|~FactMoney=100~|~AdditionalInfo=order-42~|~SuccTime=20141029185012~|~Md5Sign=abcdefg',
    );
    expect(md5Hex(paymentResultSigningString(RESULT, KEY))).toBe(expected);
  });

  it('signs an empty AdditionalInfo as an empty value', () => {
    const signing = paymentResultSigningString({ ...RESULT, AdditionalInfo: '' }, KEY);
    expect(signing).toContain('~|~AdditionalInfo=~|~SuccTime=');
    expect(md5Hex(signing)).toBe(
      md5('MemberID=100000178~|~TerminalID=10000001~|~TransID=20141029184503AB12CD~|~Result=1~|~ResultDesc=01~|~FactMoney=100~|~AdditionalInfo=~|~SuccTime=20141029185012~|~Md5Sign=abcdefg'),
    );
  });

  it('signs Chinese AdditionalInfo over the UTF-8 bytes or the GBK bytes, and the two signatures differ', () => {
    const signing = paymentResultSigningString({ ...RESULT, AdditionalInfo: '订单备注：测试中文' }, KEY);
    const written =
      'MemberID=100000178~|~TerminalID=10000001~|~TransID=20141029184503AB12CD~|~Result=1~|~ResultDesc=01~|~FactMoney=100~|~AdditionalInfo=订单备注：测试中文~|~SuccTime=20141029185012~|~Md5Sign=abcdefg';
    expect(signing).toBe(written);
    const utf8 = md5Hex(signing, 'utf-8');
    const gbk = md5Hex(signing, 'gbk');
    expect(utf8).toBe(md5(written));
    expect(gbk).toBe(md5(written, 'gbk'));
    expect(utf8).not.toBe(gbk);
  });
});

describe('queryRequestSigningString', () => {
  it('joins MemberID, TerminalID and TransID with pipes and puts the key last', () => {
    const signing = queryRequestSigningString({ MemberID: '100000178', TerminalID: '10000001', TransID: '2014010101010101' }, KEY);
    expect(signing).toBe('100000178|10000001|2014010101010101|abcdefg');
    expect(md5Hex(signing)).toBe(md5('100000178|10000001|2014010101010101|abcdefg'));
  });
});

describe('queryAnswerSigningString', () => {
  it('reproduces the golden vector of the interface document', () => {
    const signing = queryAnswerSigningString(
      { MemberID: '100000178', TerminalID: '10000001', TransID: '2014010101010101', CheckResult: 'N', succMoney: '0', SuccTime: '20141029184503' },
      KEY,
    );
    expect(signing).toBe('100000178|10000001|2014010101010101|N|0|20141029184503|abcdefg');
    expect(md5Hex(signing)).toBe('b4d6a91f6af4ce07c87420762d73d0e0');
    expect(md5('100000178|10000001|2014010101010101|N|0|20141029184503|abcdefg')).toBe('b4d6a91f6af4ce07c87420762d73d0e0');
  });

  it('keeps the empty slot of an empty SuccTime', () => {
    const signing = queryAnswerSigningString(
      { MemberID: '100000178', TerminalID: '10000001', TransID: '2014010101010101', CheckResult: 'P', succMoney: '0', SuccTime: '' },
      KEY,
    );
    expect(signing).toBe('100000178|10000001|2014010101010101|P|0||abcdefg');
  });
});

describe('md5Hex', () => {
  it('hashes UTF-8 by default and returns 32 lower-case hex digits', () => {
    const hex = md5Hex('中文|abcdefg');
    expect(hex).toBe(md5('中文|abcdefg'));
    expect(hex).toMatch(/^[0-9a-f]{32}$/);
  });

  it('hashes the GBK bytes when asked to', () => {
    expect(md5Hex('中文|abcdefg', 'gbk')).toBe(md5('中文|abcdefg', 'gbk'));
  });

  it('gives the same digest in both charsets for ASCII text', () => {
    expect(md5Hex('100000178|abcdefg', 'gbk')).toBe(md5Hex('100000178|abcdefg', 'utf-8'));
  });
});

describe('signaturesMatch', () => {
  const expected = md5('MemberID=100000178~|~Md5Sign=abcdefg');

  it('accepts the identical lower-case signature', () => {
    expect(signaturesMatch(expected, expected)).toBe(true);
  });

  it('accepts the upper-case spelling of a valid signature', () => {
    expect(signaturesMatch(expected, expected.toUpperCase())).toBe(true);
  });

  it('accepts a mixed-case spelling of a valid signature', () => {
    const mixed = [...expected].map((c, i) => (i % 2 === 0 ? c.toUpperCase() : c)).join('');
    expect(signaturesMatch(expected, mixed)).toBe(true);
  });

  it('rejects a signature with a single bit flipped in any position', () => {
    for (let i = 0; i < 32; i++) {
      for (let bit = 0; bit < 4; bit++) expect(signaturesMatch(expected, flipBit(expected, i, bit))).toBe(false);
    }
  });

  it('rejects a signature made with a different key', () => {
    expect(signaturesMatch(expected, md5('MemberID=100000178~|~Md5Sign=abcdefh'))).toBe(false);
  });

  it.each<[string, (valid: string) => string]>([
    ['an empty string', () => ''],
    ['31 hex characters', (valid) => valid.slice(0, 31)],
    ['33 hex characters', (valid) => `${valid}0`],
    ['non-hex characters of the right length', (valid) => `g${valid.slice(1)}`],
    ['whitespace around the valid signature', (valid) => ` ${valid} `],
    ['a 0x prefix in place of two digits', (valid) => `0x${valid.slice(2)}`],
    ['the signature repeated twice', (valid) => valid + valid],
  ])('rejects %s without throwing', (_label, make) => {
    const received = make(expected);
    expect(() => signaturesMatch(expected, received)).not.toThrow();
    expect(signaturesMatch(expected, received)).toBe(false);
  });

  it.each([
    ['a number', 12345],
    ['undefined', undefined],
    ['null', null],
    ['an object', { toString: () => 'b4d6a91f6af4ce07c87420762d73d0e0' }],
    ['an array holding the signature', ['b4d6a91f6af4ce07c87420762d73d0e0']],
    ['a buffer of the signature bytes', Buffer.from('b4d6a91f6af4ce07c87420762d73d0e0', 'hex')],
    ['a symbol', Symbol('sig')],
    ['a boolean', true],
  ])('rejects %s without throwing', (_label, value) => {
    const golden = 'b4d6a91f6af4ce07c87420762d73d0e0';
    expect(() => signaturesMatch(golden, value)).not.toThrow();
    expect(signaturesMatch(golden, value)).toBe(false);
  });

  it('rejects anything when the expected value is not itself a signature', () => {
    expect(signaturesMatch('', '')).toBe(false);
    expect(signaturesMatch('not-a-signature', 'not-a-signature')).toBe(false);
  });

  it('never throws and is true only for a case-insensitive equal 32-digit hex string, for arbitrary values', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.string(), fc.stringMatching(/^[0-9a-fA-F]{30,34}$/)), (received) => {
        const result = signaturesMatch(expected, received);
        const equal = typeof received === 'string' && received.toLowerCase() === expected;
        return result === equal;
      }),
      { numRuns: 10_000 },
    );
  });

  it('agrees with case-insensitive string equality for arbitrary pairs of hex signatures', () => {
    const hex32 = fc.stringMatching(/^[0-9a-fA-F]{32}$/);
    fc.assert(
      fc.property(hex32, hex32, fc.boolean(), (a, b, same) => {
        const received = same ? a.toUpperCase() : b;
        return signaturesMatch(a.toLowerCase(), received) === (received.toLowerCase() === a.toLowerCase());
      }),
      { numRuns: 10_000 },
    );
  });
});
