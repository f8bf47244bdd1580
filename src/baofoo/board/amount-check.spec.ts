import { amountHint, amountIsFar, farAmountMessage } from './amount-check.ts';

describe('an amount paid far from every amount on record', () => {
  it('is one off the order amount by more than the order amount, when the gateway reported nothing', () => {
    const order = { orderMoney: 1500, factMoney: null };
    expect(amountIsFar(3000, order)).toBe(false);
    expect(amountIsFar(3001, order)).toBe(true);
    expect(amountIsFar(15000, order)).toBe(true);
    expect(amountIsFar(1, order)).toBe(false);
  });

  it('is not one the gateway reported, nor near it', () => {
    const order = { orderMoney: 1500, factMoney: 15000 };
    expect(amountIsFar(15000, order)).toBe(false);
    expect(amountIsFar(16500, order)).toBe(false);
    expect(amountIsFar(9000, order)).toBe(true);
  });

  it('is named in the refusal and announced on the form', () => {
    expect(farAmountMessage(15000, { orderMoney: 1500, factMoney: 1499 })).toMatch(/15000 fen is off the order's 1500 fen and the gateway's reported 1499 fen.*confirm amount/);
    expect(amountHint({ orderMoney: 1500, factMoney: null })).toBe('Over 3000 fen: tick "confirm amount".');
  });
});
