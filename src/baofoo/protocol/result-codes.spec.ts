import { CHECK_RESULTS, FAILURE_RESULT_DESCS, isCheckResult, isResultDesc, RESULT_DESCRIPTIONS, SUCCESS_RESULT_DESC } from './result-codes.ts';

/** Spec §5. */
const FAILURE_CODES = ['0000', '0001', '0002', '0011', '0012', '0013', '0014', '0015', '0016', '0017', '0018', '0019', '0020', '0021', '0022', '0023', '0024', '0025'];

describe('result codes', () => {
  it('names 01 as the success code', () => {
    expect(SUCCESS_RESULT_DESC).toBe('01');
    expect(RESULT_DESCRIPTIONS['01']).toBe('paid');
  });

  it('lists exactly the failure codes of the spec', () => {
    expect([...FAILURE_RESULT_DESCS].sort()).toEqual(FAILURE_CODES);
    expect(Object.keys(RESULT_DESCRIPTIONS).sort()).toEqual(['0000', ...FAILURE_CODES.slice(1), '01'].sort());
  });

  it.each(['01', ...FAILURE_CODES])('recognises %s', (code) => {
    expect(isResultDesc(code)).toBe(true);
  });

  it.each(['1', '0', '001', '0003', '0026', '', ' 01', 'toString', '__proto__', 'hasOwnProperty', 'constructor'])('does not recognise %p', (code) => {
    expect(isResultDesc(code)).toBe(false);
  });
});

describe('check results', () => {
  it('lists Y, F, P and N with their meanings', () => {
    expect(CHECK_RESULTS).toEqual({ Y: 'paid', F: 'failed', P: 'processing', N: 'no such order' });
  });

  it.each(['Y', 'F', 'P', 'N'])('recognises %s', (value) => {
    expect(isCheckResult(value)).toBe(true);
  });

  it.each(['y', 'n', '', 'YES', ' Y', 'toString', '__proto__', 'valueOf'])('does not recognise %p', (value) => {
    expect(isCheckResult(value)).toBe(false);
  });
});
