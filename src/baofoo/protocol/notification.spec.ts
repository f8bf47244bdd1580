import fc from 'fast-check';
import type { BaofooCharset } from './charset.ts';
import { parseForm, renderForm } from './form-encoding.ts';
import {
  interpretPaymentResult,
  PAYMENT_RESULT_FIELDS,
  readNotification,
  renderPaymentResult,
  signPaymentResult,
  verifyPaymentResult,
  type PaymentResult,
  type PaymentResultFields,
} from './notification.ts';
import { protocolErrorOf } from '../../../test/support/protocol-error-of.ts';
import { md5 } from '../../../test/support/independent-md5.ts';


const KEY = 'abcdefg';

/** A success notification as the gateway sends it, signed independently of the code under test. */
const SIGNED_SUCCESS = md5(
  'MemberID=100000178~|~TerminalID=10000001~|~TransID=20141029184503AB12CD~|~Result=1~|~ResultDesc=01~|~FactMoney=100~|~AdditionalInfo=order-42~|~SuccTime=20141029185012~|~Md5Sign=abcdefg',
);

const SUCCESS: PaymentResultFields = {
  MemberID: '100000178',
  TerminalID: '10000001',
  TransID: '20141029184503AB12CD',
  Result: '1',
  ResultDesc: '01',
  FactMoney: '100',
  AdditionalInfo: 'order-42',
  SuccTime: '20141029185012',
  Md5Sign: SIGNED_SUCCESS,
};


/** Flips one bit of one hex digit, keeping the text valid hex of the same length. */
function flipBit(hex: string, index: number, bit: number): string {
  return hex.slice(0, index) + (parseInt(hex[index], 16) ^ (1 << bit)).toString(16) + hex.slice(index + 1);
}

describe('readNotification', () => {
  it('splits the nine protocol fields from unsigned extras such as BankID', () => {
    const received = readNotification({ ...SUCCESS, BankID: '3002' });
    expect(received.fields).toEqual(SUCCESS);
    expect(Object.keys(received.fields).sort()).toEqual([...PAYMENT_RESULT_FIELDS].sort());
    expect({ ...received.extras }).toEqual({ BankID: '3002' });
  });

  it('reads the map parseForm produces from a gateway POST body', () => {
    const body = `${renderForm({ ...SUCCESS })}&BankID=3002&PayID=3002`;
    const received = readNotification(parseForm(body, 'utf-8'));
    expect(received.fields).toEqual(SUCCESS);
    expect({ ...received.extras }).toEqual({ BankID: '3002', PayID: '3002' });
  });

  it('returns no extras when the gateway adds none', () => {
    expect(Object.keys(readNotification({ ...SUCCESS }).extras)).toEqual([]);
  });

  it('accepts an empty AdditionalInfo as present', () => {
    expect(readNotification({ ...SUCCESS, AdditionalInfo: '' }).fields.AdditionalInfo).toBe('');
  });

  it.each([...PAYMENT_RESULT_FIELDS])('refuses a notification without %s', (name) => {
    const params: Record<string, unknown> = { ...SUCCESS, BankID: '3002' };
    delete params[name];
    const error = protocolErrorOf(() => readNotification(params));
    expect(error.code).toBe('NOTIFICATION_MALFORMED');
    expect(error.evidence).toEqual({ missing: [name] });
  });

  it('refuses a field that arrives repeated as an array, as a query-string parser would give it', () => {
    const error = protocolErrorOf(() => readNotification({ ...SUCCESS, Result: ['1', '0'] }));
    expect(error.code).toBe('NOTIFICATION_MALFORMED');
    expect(error.evidence).toEqual({ missing: ['Result'] });
  });

  it('names every missing field of an empty request', () => {
    const error = protocolErrorOf(() => readNotification({}));
    expect(error.evidence).toEqual({ missing: [...PAYMENT_RESULT_FIELDS] });
  });

  it('keeps an extra named __proto__ as a plain own key without touching any prototype', () => {
    const params = parseForm(`${renderForm({ ...SUCCESS })}&__proto__=x&constructor=y`, 'utf-8');
    const { extras } = readNotification(params);
    expect(Object.getOwnPropertyDescriptor(extras, '__proto__')?.value).toBe('x');
    expect(Object.getOwnPropertyDescriptor(extras, 'constructor')?.value).toBe('y');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });

  it('keeps only string-valued extras', () => {
    const received = readNotification({ ...SUCCESS, BankID: ['3002', '3003'], Count: 2, Note: 'kept' });
    expect({ ...received.extras }).toEqual({ Note: 'kept' });
  });
});

describe('signPaymentResult', () => {
  it('signs with the MD5 of the ~|~ joined string and the key under Md5Sign', () => {
    expect(signPaymentResult(SUCCESS, KEY)).toBe(SIGNED_SUCCESS);
  });

  it('signs an empty AdditionalInfo as AdditionalInfo=~|~', () => {
    expect(signPaymentResult({ ...SUCCESS, AdditionalInfo: '' }, KEY)).toBe(
      md5('MemberID=100000178~|~TerminalID=10000001~|~TransID=20141029184503AB12CD~|~Result=1~|~ResultDesc=01~|~FactMoney=100~|~AdditionalInfo=~|~SuccTime=20141029185012~|~Md5Sign=abcdefg'),
    );
  });

  it('signs Chinese AdditionalInfo over UTF-8 bytes by default and over GBK bytes when configured', () => {
    const written =
      'MemberID=100000178~|~TerminalID=10000001~|~TransID=20141029184503AB12CD~|~Result=1~|~ResultDesc=01~|~FactMoney=100~|~AdditionalInfo=用户备注：测试~|~SuccTime=20141029185012~|~Md5Sign=abcdefg';
    const fields = { ...SUCCESS, AdditionalInfo: '用户备注：测试' };
    expect(signPaymentResult(fields, KEY)).toBe(md5(written));
    expect(signPaymentResult(fields, KEY, 'gbk')).toBe(md5(written, 'gbk'));
    expect(md5(written)).not.toBe(md5(written, 'gbk'));
  });

  it('ignores Md5Sign and extras when signing', () => {
    const noisy = { ...SUCCESS, Md5Sign: 'whatever', BankID: '3002' } as PaymentResultFields;
    expect(signPaymentResult(noisy, KEY)).toBe(SIGNED_SUCCESS);
  });
});

describe('verifyPaymentResult', () => {
  it('verifies a notification signed with the merchant key', () => {
    expect(verifyPaymentResult(SUCCESS, KEY)).toBe(true);
  });

  it('verifies a notification whose signature arrives in upper case', () => {
    expect(verifyPaymentResult({ ...SUCCESS, Md5Sign: SIGNED_SUCCESS.toUpperCase() }, KEY)).toBe(true);
  });

  it('verifies a notification carrying unsigned extras', () => {
    const { fields } = readNotification({ ...SUCCESS, BankID: '3002' });
    expect(verifyPaymentResult(fields, KEY)).toBe(true);
  });

  it('verifies a notification with an empty AdditionalInfo signed over AdditionalInfo=~|~', () => {
    const Md5Sign = md5(
      'MemberID=100000178~|~TerminalID=10000001~|~TransID=20141029184503AB12CD~|~Result=0~|~ResultDesc=0002~|~FactMoney=0~|~AdditionalInfo=~|~SuccTime=~|~Md5Sign=abcdefg',
    );
    const failure = { ...SUCCESS, Result: '0', ResultDesc: '0002', FactMoney: '0', AdditionalInfo: '', SuccTime: '', Md5Sign };
    expect(verifyPaymentResult(failure, KEY)).toBe(true);
  });

  it('verifies a Chinese AdditionalInfo in the charset it was signed in, and only in that one', () => {
    const written =
      'MemberID=100000178~|~TerminalID=10000001~|~TransID=20141029184503AB12CD~|~Result=1~|~ResultDesc=01~|~FactMoney=100~|~AdditionalInfo=中文备注~|~SuccTime=20141029185012~|~Md5Sign=abcdefg';
    const utf8 = { ...SUCCESS, AdditionalInfo: '中文备注', Md5Sign: md5(written) };
    const gbk = { ...SUCCESS, AdditionalInfo: '中文备注', Md5Sign: md5(written, 'gbk') };
    expect(verifyPaymentResult(utf8, KEY, 'utf-8')).toBe(true);
    expect(verifyPaymentResult(utf8, KEY, 'gbk')).toBe(false);
    expect(verifyPaymentResult(gbk, KEY, 'gbk')).toBe(true);
    expect(verifyPaymentResult(gbk, KEY, 'utf-8')).toBe(false);
  });

  it('rejects a notification signed with another key', () => {
    expect(verifyPaymentResult(SUCCESS, 'abcdefh')).toBe(false);
    expect(verifyPaymentResult(SUCCESS, '')).toBe(false);
  });

  it.each([...PAYMENT_RESULT_FIELDS].filter((name) => name !== 'Md5Sign'))('rejects a notification whose %s was changed after signing', (name) => {
    expect(verifyPaymentResult({ ...SUCCESS, [name]: `${SUCCESS[name]}0` }, KEY)).toBe(false);
  });

  it('rejects a signature with any single bit flipped', () => {
    for (let i = 0; i < 32; i++) {
      for (let bit = 0; bit < 4; bit++) expect(verifyPaymentResult({ ...SUCCESS, Md5Sign: flipBit(SIGNED_SUCCESS, i, bit) }, KEY)).toBe(false);
    }
  });

  it.each<[string, unknown]>([
    ['empty', ''],
    ['31 characters long', SIGNED_SUCCESS.slice(0, 31)],
    ['33 characters long', `${SIGNED_SUCCESS}0`],
    ['not hex', `z${SIGNED_SUCCESS.slice(1)}`],
    ['a number', 123456],
    ['undefined', undefined],
    ['null', null],
    ['an object', { valueOf: () => SIGNED_SUCCESS, toString: () => SIGNED_SUCCESS }],
    ['an array', [SIGNED_SUCCESS]],
  ])('rejects a signature that is %s without throwing', (_label, Md5Sign) => {
    const fields = { ...SUCCESS, Md5Sign } as unknown as PaymentResultFields;
    expect(() => verifyPaymentResult(fields, KEY)).not.toThrow();
    expect(verifyPaymentResult(fields, KEY)).toBe(false);
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'MemberID=100000178'],
    ['an empty object', {}],
    ['fields holding a symbol', { ...SUCCESS, AdditionalInfo: Symbol('x') }],
    ['fields holding a prototype-less object', { ...SUCCESS, TransID: Object.create(null) }],
    ['fields holding an object whose toString throws', { ...SUCCESS, FactMoney: { toString: () => { throw new Error('boom'); } } }],
    ['fields holding a number', { ...SUCCESS, FactMoney: 100 }],
  ])('answers false, never an exception, for %s', (_label, fields) => {
    expect(() => verifyPaymentResult(fields as PaymentResultFields, KEY)).not.toThrow();
    expect(verifyPaymentResult(fields as PaymentResultFields, KEY)).toBe(false);
  });

  it('answers false for a key that is not a string', () => {
    expect(verifyPaymentResult(SUCCESS, undefined as unknown as string)).toBe(false);
    expect(verifyPaymentResult(SUCCESS, Symbol('key') as unknown as string)).toBe(false);
  });

  it('never throws and answers a boolean for arbitrary fields, signatures and keys', () => {
    const field = fc.oneof(fc.string(), fc.anything());
    const fieldsArb = fc.oneof(
      fc.anything(),
      fc.record(Object.fromEntries(PAYMENT_RESULT_FIELDS.map((name) => [name, field])) as Record<keyof PaymentResultFields, fc.Arbitrary<unknown>>),
      fc.record({ name: fc.constantFrom(...PAYMENT_RESULT_FIELDS), value: fc.anything() }).map(({ name, value }) => ({ ...SUCCESS, [name]: value })),
      fc.string().map((Md5Sign) => ({ ...SUCCESS, Md5Sign })),
    );
    fc.assert(
      fc.property(fieldsArb, fc.oneof(fc.constant(KEY), fc.string(), fc.anything()), fc.constantFrom<BaofooCharset>('utf-8', 'gbk'), (fields, key, charset) => {
        const ok = verifyPaymentResult(fields as PaymentResultFields, key as string, charset);
        return typeof ok === 'boolean';
      }),
      { numRuns: 10_000 },
    );
  });
});

describe('interpretPaymentResult', () => {
  it('reads a success into a typed result', () => {
    expect(interpretPaymentResult(SUCCESS)).toEqual({
      memberId: '100000178',
      terminalId: '10000001',
      transId: '20141029184503AB12CD',
      succeeded: true,
      resultDesc: '01',
      factMoney: 100,
      additionalInfo: 'order-42',
      succTime: '20141029185012',
    });
  });

  it('reads a failure with an empty SuccTime', () => {
    const result = interpretPaymentResult({ ...SUCCESS, Result: '0', ResultDesc: '0013', FactMoney: '0', SuccTime: '' });
    expect(result.succeeded).toBe(false);
    expect(result.resultDesc).toBe('0013');
    expect(result.factMoney).toBe(0);
    expect(result.succTime).toBe('');
  });

  it('reads a failure that carries a SuccTime', () => {
    expect(interpretPaymentResult({ ...SUCCESS, Result: '0', ResultDesc: '0000' }).succTime).toBe('20141029185012');
  });

  it('reads a failure with a numeric code the table does not list', () => {
    expect(interpretPaymentResult({ ...SUCCESS, Result: '0', ResultDesc: '0099' }).resultDesc).toBe('0099');
  });

  it.each(['2', '', ' 1', '1 ', '01', 'true', 'Y'])('refuses Result %p, which is neither 1 nor 0', (Result) => {
    const error = protocolErrorOf(() => interpretPaymentResult({ ...SUCCESS, Result }));
    expect(error.code).toBe('NOTIFICATION_MALFORMED');
    expect(error.evidence).toEqual({ Result });
  });

  it.each([
    ['1', '0000'],
    ['1', '0002'],
    ['1', '1'],
    ['1', ''],
    ['0', '01'],
  ])('refuses Result %s with ResultDesc %p as a contradiction', (Result, ResultDesc) => {
    const error = protocolErrorOf(() => interpretPaymentResult({ ...SUCCESS, Result, ResultDesc }));
    expect(error.code).toBe('NOTIFICATION_MALFORMED');
    expect(error.evidence).toEqual({ Result, ResultDesc });
  });

  it.each(['', 'failed', '0', '00001', '00a1'])('refuses a failure whose ResultDesc %p is not a result code', (ResultDesc) => {
    const error = protocolErrorOf(() => interpretPaymentResult({ ...SUCCESS, Result: '0', ResultDesc, SuccTime: '' }));
    expect(error.code).toBe('NOTIFICATION_MALFORMED');
    expect(error.evidence).toEqual({ ResultDesc });
  });

  it.each(['', '1.5', '-1', '01', '1e3', '100.00', ' 100', 'abc', '99999999999999999999', '9007199254740993'])('refuses FactMoney %p', (FactMoney) => {
    const error = protocolErrorOf(() => interpretPaymentResult({ ...SUCCESS, FactMoney }));
    expect(error.code).toBe('MONEY_MALFORMED');
    expect(error.evidence).toMatchObject({ field: 'FactMoney', value: FactMoney });
  });

  it.each(['', '2014102918501', '201410291850120', '20140230120000', '20141029245000', '20141329185012', '2014-10-29 18:50'])('refuses a success whose SuccTime is %p', (SuccTime) => {
    const error = protocolErrorOf(() => interpretPaymentResult({ ...SUCCESS, SuccTime }));
    expect(error.code).toBe('NOTIFICATION_MALFORMED');
    expect(error.evidence).toEqual({ SuccTime });
  });

  it('refuses a failure whose SuccTime is present but not a time', () => {
    const error = protocolErrorOf(() => interpretPaymentResult({ ...SUCCESS, Result: '0', ResultDesc: '0000', SuccTime: '20140230120000' }));
    expect(error.code).toBe('NOTIFICATION_MALFORMED');
  });
});

describe('renderPaymentResult', () => {
  const result: PaymentResult = {
    memberId: '100000178',
    terminalId: '10000001',
    transId: '20141029184503AB12CD',
    succeeded: true,
    resultDesc: '01',
    factMoney: 100,
    additionalInfo: 'order-42',
    succTime: '20141029185012',
  };

  it('renders the fields the gateway sends, signed as the spec says', () => {
    expect(renderPaymentResult(result, KEY)).toEqual(SUCCESS);
  });

  it('renders a failure with Result 0', () => {
    const fields = renderPaymentResult({ ...result, succeeded: false, resultDesc: '0000', factMoney: 0, succTime: '' }, KEY);
    expect(fields.Result).toBe('0');
    expect(fields.Md5Sign).toBe(
      md5('MemberID=100000178~|~TerminalID=10000001~|~TransID=20141029184503AB12CD~|~Result=0~|~ResultDesc=0000~|~FactMoney=0~|~AdditionalInfo=order-42~|~SuccTime=~|~Md5Sign=abcdefg'),
    );
  });

  it('signs in GBK when asked to', () => {
    expect(renderPaymentResult({ ...result, additionalInfo: '中文' }, KEY, 'gbk').Md5Sign).toBe(
      md5('MemberID=100000178~|~TerminalID=10000001~|~TransID=20141029184503AB12CD~|~Result=1~|~ResultDesc=01~|~FactMoney=100~|~AdditionalInfo=中文~|~SuccTime=20141029185012~|~Md5Sign=abcdefg', 'gbk'),
    );
  });

  it('is read back by interpretPaymentResult into the same result', () => {
    expect(interpretPaymentResult(renderPaymentResult(result, KEY))).toEqual(result);
  });
});

describe('a notification sent over the wire', () => {
  /** Characters GBK can encode and decode back unchanged: ASCII and common Chinese text. */
  const CHINESE = [...'中文测试订单备注支付银行充值卡商户号码的一是不了人我在有他这为之大来以个宝付，。：！？（）；“”、'];
  const gbkText = fc.string({
    unit: fc.oneof(
      fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)),
      fc.constantFrom(...CHINESE),
    ),
  });
  const unicodeText = fc.string({ unit: 'binary' });

  const notificationArb = (text: fc.Arbitrary<string>) =>
    fc.record({
      result: fc.record({
        memberId: text,
        terminalId: text,
        transId: text,
        succeeded: fc.boolean(),
        resultDesc: text,
        factMoney: fc.maxSafeNat(),
        additionalInfo: text,
        succTime: text,
      }),
      key: text.filter((k) => k !== ''),
      extras: fc.dictionary(
        text.filter((name) => !(PAYMENT_RESULT_FIELDS as readonly string[]).includes(name)),
        text,
        { maxKeys: 6 },
      ),
      extrasFirst: fc.boolean(),
    });

  const sameEntries = (a: Record<string, string>, b: Record<string, string>) => {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
  };

  function roundTrip(charset: BaofooCharset) {
    return ({ result, key, extras, extrasFirst }: { result: PaymentResult; key: string; extras: Record<string, string>; extrasFirst: boolean }): boolean => {
      const fields = renderPaymentResult(result, key, charset);
      // The signature the gateway would compute, written out independently.
      const written = `MemberID=${result.memberId}~|~TerminalID=${result.terminalId}~|~TransID=${result.transId}~|~Result=${result.succeeded ? '1' : '0'}~|~ResultDesc=${result.resultDesc}~|~FactMoney=${result.factMoney}~|~AdditionalInfo=${result.additionalInfo}~|~SuccTime=${result.succTime}~|~Md5Sign=${key}`;
      if (fields.Md5Sign !== md5(written, charset)) return false;

      const params = extrasFirst ? { ...extras, ...fields } : { ...fields, ...extras };
      const received = readNotification(parseForm(renderForm(params, charset), charset));
      return (
        verifyPaymentResult(received.fields, key, charset) &&
        sameEntries(received.fields as unknown as Record<string, string>, fields as unknown as Record<string, string>) &&
        sameEntries(received.extras, extras)
      );
    };
  }

  it('verifies and keeps every field and extra of arbitrary unicode notifications in utf-8', () => {
    fc.assert(fc.property(notificationArb(unicodeText), roundTrip('utf-8')), { numRuns: 10_000 });
  });

  it('verifies and keeps every field and extra of arbitrary ASCII and Chinese notifications in gbk', () => {
    fc.assert(fc.property(notificationArb(gbkText), roundTrip('gbk')), { numRuns: 10_000 });
  });
});
