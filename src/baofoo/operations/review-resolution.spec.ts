import { checkResolution, resolutionFields, sameOutcome, type ReviewResolution } from './review-resolution.ts';

const paid = (paidMoney: number): ReviewResolution => ({ transId: 'T1', outcome: { to: 'PAID', paidMoney }, by: ' alice ', why: ' ticket 7 ' });

describe('checkResolution', () => {
  it('trims who and why and keeps the outcome', () => {
    expect(checkResolution(paid(100))).toEqual({ transId: 'T1', outcome: { to: 'PAID', paidMoney: 100 }, by: 'alice', why: 'ticket 7' });
  });

  it('refuses a blank or overlong name or reason, and an amount that is not positive whole fen', () => {
    for (const r of [{ ...paid(1), by: '  ' }, { ...paid(1), why: '' }, { ...paid(1), by: 'x'.repeat(65) }, { ...paid(1), why: 'x'.repeat(501) }, paid(0), paid(-1), paid(0.5), paid(Number.NaN)]) {
      expect(() => checkResolution(r)).toThrow(expect.objectContaining({ code: 'RESOLUTION_INVALID' }));
    }
  });
});

describe('sameOutcome', () => {
  it('recognises a recorded resolution to the same state and amount, and nothing else', () => {
    const recorded = resolutionFields(checkResolution(paid(900)));
    expect(sameOutcome(recorded, { to: 'PAID', paidMoney: 900 })).toBe(true);
    expect(sameOutcome(recorded, { to: 'PAID', paidMoney: 901 })).toBe(false);
    expect(sameOutcome(recorded, { to: 'FAILED' })).toBe(false);
    expect(sameOutcome(null, { to: 'FAILED' })).toBe(false);
    expect(sameOutcome({ Outcome: 'FAILED' }, { to: 'FAILED' })).toBe(true);
  });
});
