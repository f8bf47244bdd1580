import { createHash } from 'node:crypto';
import { RESULT_DESCRIPTIONS } from '../protocol/result-codes.ts';
import { RESULT_FIXTURES, describeFixture } from './result-fixtures.ts';
import { signedNotification } from './signed-notification.ts';

const SPEC_CODES = ['01', '0000', '0001', '0002', '0011', '0012', '0013', '0014', '0015', '0016', '0017', '0018', '0019', '0020', '0021', '0022', '0023', '0024', '0025'];

describe('RESULT_FIXTURES', () => {
  it('has exactly one fixture for each result code of spec §5', () => {
    expect(Object.keys(RESULT_FIXTURES).sort()).toEqual([...SPEC_CODES].sort());
    expect(Object.keys(RESULT_FIXTURES).sort()).toEqual(Object.keys(RESULT_DESCRIPTIONS).sort());
    for (const [code, fixture] of Object.entries(RESULT_FIXTURES)) expect(fixture.resultDesc).toBe(code);
  });

  it('marks 01 as the only success', () => {
    const successes = Object.values(RESULT_FIXTURES).filter((f) => f.result === 'success');
    expect(successes).toEqual([{ result: 'success', resultDesc: '01' }]);
  });

  it('spreads into signedNotification to sign Result and ResultDesc together', () => {
    for (const fixture of Object.values(RESULT_FIXTURES)) {
      const n = signedNotification({ transId: 'ABCDEFGH12', factMoney: 100, succTime: '20261125120000', ...fixture });
      expect([n.fields.Result, n.fields.ResultDesc]).toEqual([fixture.result === 'success' ? '1' : '0', fixture.resultDesc]);
      const expected = createHash('md5')
        .update(`MemberID=100000178~|~TerminalID=10000001~|~TransID=ABCDEFGH12~|~Result=${n.fields.Result}~|~ResultDesc=${fixture.resultDesc}~|~FactMoney=100~|~AdditionalInfo=~|~SuccTime=20261125120000~|~Md5Sign=abcdefg`)
        .digest('hex');
      expect(n.fields.Md5Sign).toBe(expected);
    }
  });

  it('cannot be changed by a test that shares it', () => {
    expect(Object.isFrozen(RESULT_FIXTURES)).toBe(true);
    expect(Object.isFrozen(RESULT_FIXTURES['0013'])).toBe(true);
  });

  it('names each code with its meaning for test titles', () => {
    expect(describeFixture(RESULT_FIXTURES['0013'])).toBe('0013 (insufficient balance)');
  });
});
