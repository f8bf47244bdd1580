import { codeLabel, eventLabel, outcomeLabel, verdictLabel } from './metric-labels.ts';

describe('metric labels', () => {
  it('keep the known values and turn anything else into `other`, so no input can add a time series', () => {
    expect(verdictLabel('rejected')).toBe('rejected');
    expect(verdictLabel('T2026112500000001')).toBe('other');
    expect(outcomeLabel('mismatch')).toBe('mismatch');
    expect(outcomeLabel('<script>')).toBe('other');
    expect(eventLabel('baofoo.payment.succeeded')).toBe('baofoo.payment.succeeded');
    expect(eventLabel('baofoo.anything')).toBe('other');
  });

  it('accept the module’s upper-case codes only, and say `none` for no code', () => {
    expect(codeLabel('SIGNATURE_INVALID')).toBe('SIGNATURE_INVALID');
    expect(codeLabel(null)).toBe('none');
    for (const code of ['127.0.0.1', 'signature invalid', 'A'.repeat(49), 'T20261125000001 ']) expect(codeLabel(code)).toBe('other');
  });
});
