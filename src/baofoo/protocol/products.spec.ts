import { CASHIER, findProduct, isPrepaidCard, PRODUCTS } from './products.ts';

/** Spec §6, prepaid cards: PayID and face values in yuan. */
const CARDS: [string, string, number[]][] = [
  ['101', '神州行', [10, 20, 30, 50, 100, 300]],
  ['102', '联通卡', [20, 30, 50, 100, 300]],
  ['103', '电信卡', [30, 50, 100]],
  ['111', '盛大一卡通', [5, 10, 30, 35, 45, 50, 100, 300, 350, 1000]],
  ['112', '完美一卡通', [15, 30, 50, 100]],
  ['114', '征途卡', [10, 15, 20, 25, 30, 50, 100, 300]],
  ['115', '骏网一卡通', [5, 6, 10, 15, 30, 50, 100]],
  ['116', '网易一卡通', [5, 10, 15, 20, 30, 50]],
];

/** Spec §6, online banking: bank, debit PayID, credit PayID. */
const BANKS: [string, string, string][] = [
  ['招商银行', '3001', '4001'],
  ['中国工商银行', '3002', '4002'],
  ['中国建设银行', '3003', '4003'],
  ['上海浦东发展银行', '3004', '4004'],
  ['中国农业银行', '3005', '4005'],
  ['中国民生银行', '3006', '4006'],
  ['兴业银行', '3009', '4009'],
  ['中国交通银行', '3020', '4020'],
  ['中国光大银行', '3022', '4022'],
  ['中国银行', '3026', '4026'],
  ['北京银行', '3032', '4032'],
  ['平安银行', '3035', '4035'],
  ['广发银行', '3036', '4036'],
  ['上海农商银行', '3037', '4037'],
  ['中国邮政储蓄银行', '3038', '4038'],
  ['中信银行', '3039', '4039'],
  ['华夏银行', '3050', '4050'],
  ['上海银行', '3059', '4059'],
  ['北京农商银行', '3060', '4060'],
  ['银联无卡支付', '3080001', '4080001'],
];

describe('PRODUCTS', () => {
  it('holds the cashier, the eight prepaid cards and a debit and a credit product for each of the twenty banks', () => {
    expect(PRODUCTS).toHaveLength(1 + CARDS.length + 2 * BANKS.length);
    expect(new Set(PRODUCTS.map((p) => p.payId)).size).toBe(PRODUCTS.length);
  });

  it('lists exactly the PayIDs of the spec', () => {
    const expected = ['', ...CARDS.map(([id]) => id), ...BANKS.flatMap(([, debit, credit]) => [debit, credit])].sort();
    expect(PRODUCTS.map((p) => p.payId).sort()).toEqual(expected);
  });
});

describe('findProduct', () => {
  it.each(CARDS)('finds the prepaid card %s (%s) with its face values in fen', (payId, name, faceValuesYuan) => {
    const product = findProduct(payId);
    expect(product?.kind).toBe('prepaid-card');
    expect(product?.name).toContain(name);
    expect(product?.faceValuesFen).toEqual(faceValuesYuan.map((yuan) => yuan * 100));
  });

  it.each(BANKS)('finds the debit and credit products of %s', (name, debit, credit) => {
    expect(findProduct(debit)).toMatchObject({ payId: debit, kind: 'debit' });
    expect(findProduct(credit)).toMatchObject({ payId: credit, kind: 'credit' });
    expect(findProduct(debit)?.name).toContain(name);
    expect(findProduct(credit)?.name).toContain(name);
    expect(findProduct(debit)?.faceValuesFen).toBeUndefined();
  });

  it('finds the cashier under the empty PayID', () => {
    expect(findProduct('')).toBe(CASHIER);
    expect(CASHIER).toMatchObject({ payId: '', kind: 'cashier' });
  });

  it.each(['9999', '3000', '104', '113', ' 3002', '3002 ', '03002', '__proto__', 'toString', 'constructor'])('finds nothing for %p', (payId) => {
    expect(findProduct(payId)).toBeUndefined();
  });
});

describe('isPrepaidCard', () => {
  it.each(CARDS.map(([id]) => id))('is true for the card %s', (payId) => {
    expect(isPrepaidCard(payId)).toBe(true);
  });

  it.each(['', '3002', '4002', '3080001', '9999', 'toString'])('is false for %p', (payId) => {
    expect(isPrepaidCard(payId)).toBe(false);
  });
});
