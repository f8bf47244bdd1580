import type { BaofooCharset } from './charset.ts';
import { BaofooProtocolError } from './errors.ts';
import { parseFen, type Fen } from './money.ts';
import { isResultDesc, SUCCESS_RESULT_DESC } from './result-codes.ts';
import { md5Hex, paymentResultSigningString, signaturesMatch, type PaymentResultSigned } from './signature.ts';
import { isTradeTime } from './trade-time.ts';

/** The nine fields of a payment result (spec §3), as received. */
export interface PaymentResultFields extends PaymentResultSigned {
  Md5Sign: string;
}

export const PAYMENT_RESULT_FIELDS = ['MemberID', 'TerminalID', 'TransID', 'Result', 'ResultDesc', 'FactMoney', 'AdditionalInfo', 'SuccTime', 'Md5Sign'] as const;

const IS_PAYMENT_RESULT_FIELD: ReadonlySet<string> = new Set(PAYMENT_RESULT_FIELDS);

export interface ReceivedNotification {
  fields: PaymentResultFields;
  /** Unsigned fields the gateway added (e.g. BankID): kept for the audit record, never trusted. */
  extras: Record<string, string>;
}

/** What a verified payment result says, typed. */
export interface PaymentResult {
  memberId: string;
  terminalId: string;
  transId: string;
  succeeded: boolean;
  resultDesc: string;
  factMoney: Fen;
  additionalInfo: string;
  /** `yyyyMMddHHmmss`, Shanghai time; may be empty on a failure. */
  succTime: string;
}

/**
 * Splits received parameters into the nine protocol fields and the extras.
 * Missing fields are refused; extras are tolerated.
 */
export function readNotification(params: Readonly<Record<string, unknown>>): ReceivedNotification {
  const missing = PAYMENT_RESULT_FIELDS.filter((name) => typeof params[name] !== 'string');
  if (missing.length > 0) {
    throw new BaofooProtocolError('NOTIFICATION_MALFORMED', `missing or repeated fields: ${missing.join(', ')}`, { missing });
  }
  // Filled name by name (the names are the protocol's, never the sender's): a fifth of the cost of
  // Object.fromEntries over an array of pairs, for every notification.
  const fields = {} as Record<string, string>;
  for (const name of PAYMENT_RESULT_FIELDS) fields[name] = params[name] as string;
  // Null prototype: an extra named `__proto__` (or `constructor`…) is kept as a
  // plain own key instead of being swallowed by, or reaching, Object.prototype.
  const extras: Record<string, string> = Object.create(null);
  for (const name of Object.keys(params)) {
    const value = params[name];
    if (!IS_PAYMENT_RESULT_FIELD.has(name) && typeof value === 'string') extras[name] = value;
  }
  return { fields: fields as unknown as PaymentResultFields, extras };
}

/** `md5(MemberID=…~|~…~|~SuccTime=…~|~Md5Sign=key)` */
export function signPaymentResult(fields: PaymentResultSigned, key: string, charset: BaofooCharset = 'utf-8'): string {
  return md5Hex(paymentResultSigningString(fields, key), charset);
}

/** Checks Md5Sign in constant time; false, never an exception, on odd input. */
export function verifyPaymentResult(fields: PaymentResultFields, key: string, charset: BaofooCharset = 'utf-8'): boolean {
  // Odd input (not an object, a field that is not a string: a symbol or an object
  // whose toString throws would make the signing string throw) is simply false.
  if (typeof fields !== 'object' || fields === null || typeof key !== 'string') return false;
  const record = fields as unknown as Record<string, unknown>;
  if (!PAYMENT_RESULT_FIELDS.every((name) => typeof record[name] === 'string')) return false;
  return signaturesMatch(signPaymentResult(fields, key, charset), fields.Md5Sign);
}

/**
 * Reads the meaning of verified fields. Result and ResultDesc are read
 * together: a success must say `1` and `01`, anything else is refused rather
 * than guessed.
 */
export function interpretPaymentResult(fields: PaymentResultFields): PaymentResult {
  const { Result, ResultDesc } = fields;
  if (Result !== '1' && Result !== '0') {
    throw new BaofooProtocolError('NOTIFICATION_MALFORMED', 'Result must be 1 or 0', { Result });
  }
  const succeeded = Result === '1';
  if (succeeded !== (ResultDesc === SUCCESS_RESULT_DESC)) {
    throw new BaofooProtocolError('NOTIFICATION_MALFORMED', `Result ${Result} contradicts ResultDesc ${ResultDesc}`, { Result, ResultDesc });
  }
  if (!succeeded && !isResultDesc(ResultDesc) && !/^\d{2,4}$/.test(ResultDesc)) {
    throw new BaofooProtocolError('NOTIFICATION_MALFORMED', 'ResultDesc is not a result code', { ResultDesc });
  }
  const factMoney = parseFen(fields.FactMoney, 'FactMoney');
  if (succeeded ? !isTradeTime(fields.SuccTime) : fields.SuccTime !== '' && !isTradeTime(fields.SuccTime)) {
    throw new BaofooProtocolError('NOTIFICATION_MALFORMED', 'SuccTime must be a valid yyyyMMddHHmmss time', { SuccTime: fields.SuccTime });
  }
  return {
    memberId: fields.MemberID,
    terminalId: fields.TerminalID,
    transId: fields.TransID,
    succeeded,
    resultDesc: ResultDesc,
    factMoney,
    additionalInfo: fields.AdditionalInfo,
    succTime: fields.SuccTime,
  };
}

/** The signed fields the gateway would send for a result (sandbox, testing kit). */
export function renderPaymentResult(result: PaymentResult, key: string, charset: BaofooCharset = 'utf-8'): PaymentResultFields {
  const signed: PaymentResultSigned = {
    MemberID: result.memberId,
    TerminalID: result.terminalId,
    TransID: result.transId,
    Result: result.succeeded ? '1' : '0',
    ResultDesc: result.resultDesc,
    FactMoney: String(result.factMoney),
    AdditionalInfo: result.additionalInfo,
    SuccTime: result.succTime,
  };
  return { ...signed, Md5Sign: signPaymentResult(signed, key, charset) };
}
