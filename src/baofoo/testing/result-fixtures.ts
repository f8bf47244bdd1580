import { RESULT_DESCRIPTIONS, SUCCESS_RESULT_DESC, type ResultDesc } from '../protocol/result-codes.ts';

/** One ResultDesc of spec §5, ready to spread into `signedNotification({ transId, factMoney, ...fixture })`. */
export interface ResultFixture {
  result: 'success' | 'failure';
  resultDesc: ResultDesc;
}

/** A fixture per result code: `01` (the only success) and every failure code, keyed by code. */
export const RESULT_FIXTURES: Readonly<Record<ResultDesc, Readonly<ResultFixture>>> = Object.freeze(
  Object.fromEntries(
    (Object.keys(RESULT_DESCRIPTIONS) as ResultDesc[]).map((code) => [code, Object.freeze({ result: code === SUCCESS_RESULT_DESC ? 'success' : 'failure', resultDesc: code })]),
  ) as Record<ResultDesc, ResultFixture>,
);

/** What a result code means, for test names. */
export function describeFixture(fixture: ResultFixture): string {
  return `${fixture.resultDesc} (${RESULT_DESCRIPTIONS[fixture.resultDesc]})`;
}
