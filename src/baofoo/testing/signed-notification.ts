import type { BaofooCharset } from '../protocol/charset.ts';
import { PUBLISHED_TEST_MERCHANT } from '../config/gateway-hosts.ts';
import { renderForm } from '../protocol/form-encoding.ts';
import { PAYMENT_RESULT_FIELDS, signPaymentResult, type PaymentResultFields } from '../protocol/notification.ts';
import { SUCCESS_RESULT_DESC } from '../protocol/result-codes.ts';
import type { PaymentResultSigned } from '../protocol/signature.ts';
import { DEFAULT_TIME_ZONE, formatTradeTime } from '../protocol/trade-time.ts';

export interface SignedNotificationOptions {
  /** The merchant's order number the result is about. */
  transId: string;
  /** Default: the gateway's published test merchant (100000178 / 10000001 / abcdefg). */
  memberId?: string;
  terminalId?: string;
  /** The key that signs; pass another merchant's or a wrong key to build a forgery. */
  key?: string;
  result: 'success' | 'failure';
  /** Default `01` for a success and `0000` for a failure; see `RESULT_FIXTURES`. */
  resultDesc?: string;
  /** FactMoney in fen; a string is sent verbatim (so malformed amounts can be tried). */
  factMoney: number | string;
  additionalInfo?: string;
  /** `yyyyMMddHHmmss`; default now in Shanghai time. Pass `''` for a failure without one. */
  succTime?: string;
  /** Unsigned fields the gateway may add (e.g. `{ BankID: '3002' }`); sent after the signed ones. */
  extras?: Readonly<Record<string, string>>;
  /** Charset of the MD5 input and of the percent-encoded body; must match the module's. Default `utf-8`. */
  charset?: BaofooCharset;
}

export interface SignedNotification {
  /** Every field sent: the nine protocol fields, then the extras. */
  fields: Readonly<PaymentResultFields & Record<string, string>>;
  /** `application/x-www-form-urlencoded` body, percent-encoding the bytes of `charset`. */
  body: string;
  /** The same fields as a query string with its leading `?`, for a GET notification or page return. */
  query: string;
  charset: BaofooCharset;
}

function factMoneyText(value: number | string): string {
  if (typeof value === 'string') return value;
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`factMoney must be a whole number of fen, got ${value}`);
  return String(value);
}

/**
 * A payment result exactly as the gateway would send it to ReturnUrl or
 * PageUrl, signed with `key` — for the merchant's own tests, like
 * stripe-node's `generateTestHeaderString`. Never use it outside tests.
 */
export function signedNotification(options: SignedNotificationOptions): SignedNotification {
  const charset = options.charset ?? 'utf-8';
  const success = options.result === 'success';
  if (!success && options.result !== 'failure') throw new RangeError(`result must be 'success' or 'failure', got ${String(options.result)}`);
  const signed: PaymentResultSigned = {
    MemberID: options.memberId ?? PUBLISHED_TEST_MERCHANT.memberId,
    TerminalID: options.terminalId ?? PUBLISHED_TEST_MERCHANT.terminalId,
    TransID: options.transId,
    Result: success ? '1' : '0',
    ResultDesc: options.resultDesc ?? (success ? SUCCESS_RESULT_DESC : '0000'),
    FactMoney: factMoneyText(options.factMoney),
    AdditionalInfo: options.additionalInfo ?? '',
    SuccTime: options.succTime ?? formatTradeTime(new Date(), DEFAULT_TIME_ZONE),
  };
  const Md5Sign = signPaymentResult(signed, options.key ?? PUBLISHED_TEST_MERCHANT.key, charset);
  const extras = Object.entries(options.extras ?? {}).filter(([name]) => !(PAYMENT_RESULT_FIELDS as readonly string[]).includes(name));
  if (extras.length !== Object.keys(options.extras ?? {}).length) throw new RangeError('extras must not repeat a protocol field: change the field itself to build a tampered notification');
  const fields = { ...signed, Md5Sign, ...Object.fromEntries(extras) } as PaymentResultFields & Record<string, string>;
  const body = renderForm(fields, charset);
  return { fields, body, query: `?${body}`, charset };
}
