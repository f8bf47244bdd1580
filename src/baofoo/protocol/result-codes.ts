/** ResultDesc codes of the payment result (spec §5). */
export const RESULT_DESCRIPTIONS = {
  '01': 'paid',
  '0000': 'payment failed',
  '0001': 'system error',
  '0002': 'order timed out',
  '0011': 'system maintenance',
  '0012': 'invalid merchant',
  '0013': 'insufficient balance',
  '0014': 'over the payment limit',
  '0015': 'wrong card number or card password',
  '0016': 'IP address not allowed',
  '0017': 'repeated order with a different amount',
  '0018': 'card password already used',
  '0019': 'wrong order amount',
  '0020': 'wrong payment type',
  '0021': 'wrong card type',
  '0022': 'card information incomplete',
  '0023': 'card number, password or amount incorrect',
  '0024': 'this card cannot be used for further transactions',
  '0025': 'invalid order',
} as const;

export type ResultDesc = keyof typeof RESULT_DESCRIPTIONS;

export const SUCCESS_RESULT_DESC: ResultDesc = '01';

export const FAILURE_RESULT_DESCS = Object.keys(RESULT_DESCRIPTIONS).filter((c) => c !== SUCCESS_RESULT_DESC) as ResultDesc[];

export function isResultDesc(code: string): code is ResultDesc {
  return Object.hasOwn(RESULT_DESCRIPTIONS, code);
}

/** CheckResult of the order query answer (spec §4). */
export const CHECK_RESULTS = {
  Y: 'paid',
  F: 'failed',
  P: 'processing',
  N: 'no such order',
} as const;

export type CheckResult = keyof typeof CHECK_RESULTS;

export function isCheckResult(value: string): value is CheckResult {
  return Object.hasOwn(CHECK_RESULTS, value);
}
