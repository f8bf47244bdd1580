import fc from 'fast-check';
import { BaofooProtocolError } from './errors.ts';
import { formatYuan, parseFen } from './money.ts';
import { protocolErrorOf } from '../../../test/support/protocol-error-of.ts';


describe('parseFen', () => {
  it.each<[string, number]>([
    ['0', 0],
    ['1', 1],
    ['100', 100],
    ['123456', 123456],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
  ])('reads %s as %d fen', (text, fen) => {
    expect(parseFen(text)).toBe(fen);
  });

  it.each([
    ['a decimal', '1.5'],
    ['a yuan amount with cents', '1.00'],
    ['a negative amount', '-1'],
    ['a leading zero', '01'],
    ['two zeros', '00'],
    ['an empty string', ''],
    ['exponent notation', '1e3'],
    ['hex notation', '0x10'],
    ['a plus sign', '+1'],
    ['a leading space', ' 1'],
    ['a trailing space', '1 '],
    ['a trailing newline', '1\n'],
    ['a thousands separator', '1,000'],
    ['full-width digits', '１００'],
    ['Infinity', 'Infinity'],
    ['NaN', 'NaN'],
    ['a number beyond 2^53', '9007199254740992'],
    ['sixteen nines', '9999999999999999'],
    ['seventeen digits', '10000000000000000'],
    ['a huge number', '9'.repeat(400)],
  ])('refuses %s', (_label, text) => {
    const error = protocolErrorOf(() => parseFen(text));
    expect(error.code).toBe('MONEY_MALFORMED');
    expect(error.evidence).toEqual({ field: 'amount', value: text });
  });

  it.each([100, undefined, null, {}])('refuses the non-text value %p', (value) => {
    expect(protocolErrorOf(() => parseFen(value as unknown as string)).code).toBe('MONEY_MALFORMED');
  });

  it('names the field it was reading', () => {
    const error = protocolErrorOf(() => parseFen('1.5', 'FactMoney'));
    expect(error.message).toContain('FactMoney');
    expect(error.evidence).toEqual({ field: 'FactMoney', value: '1.5' });
  });

  it('reads back every safe whole number of fen it is given as decimal text', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (fen) => parseFen(String(fen)) === fen),
      { numRuns: 2_000 },
    );
  });

  it('refuses arbitrary text that is not plain decimal digits without a leading zero', () => {
    fc.assert(
      fc.property(fc.string().filter((s) => !/^(0|[1-9][0-9]*)$/.test(s)), (text) => {
        try {
          parseFen(text);
          return false;
        } catch (error) {
          return error instanceof BaofooProtocolError && error.code === 'MONEY_MALFORMED';
        }
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('formatYuan', () => {
  it.each<[number, string]>([
    [0, '0.00'],
    [1, '0.01'],
    [10, '0.10'],
    [99, '0.99'],
    [100, '1.00'],
    [1234, '12.34'],
    [100000, '1000.00'],
    [-5, '-0.05'],
    [-1234, '-12.34'],
    [Number.MAX_SAFE_INTEGER, '90071992547409.91'],
  ])('renders %d fen as %s yuan', (fen, text) => {
    expect(formatYuan(fen)).toBe(text);
  });

  it('renders arbitrary amounts as yuan with exactly two decimals and loses no fen', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (fen) => {
        const text = formatYuan(fen);
        return /^-?(0|[1-9][0-9]*)\.[0-9]{2}$/.test(text) && BigInt(text.replace('.', '')) === BigInt(fen);
      }),
      { numRuns: 2_000 },
    );
  });
});
