import type { BaofooCharset } from './charset.ts';
import { BaofooProtocolError } from './errors.ts';
import { escapeHtml } from './html.ts';
import type { Fen } from './money.ts';
import { findProduct } from './products.ts';
import { routeKey } from './route-key.ts';
import { md5Hex, paymentRequestSigningString } from './signature.ts';
import { isTradeTime } from './trade-time.ts';
import { TRANS_ID_PATTERN } from './trans-id.ts';

export const INTERFACE_VERSION = '4.0';
export const KEY_TYPE_MD5 = '1';
export const NOTICE_TYPE = '1';

/** What the merchant decides for one payment request (spec §2). */
export interface PaymentRequestInput {
  memberId: string;
  terminalId: string;
  /** Product or bank; '' lets the shopper choose at the gateway's cashier. */
  payId: string;
  /** `yyyyMMddHHmmss`, Shanghai time. */
  tradeDate: string;
  transId: string;
  orderMoney: Fen;
  productName?: string;
  amount?: number;
  username?: string;
  additionalInfo?: string;
  pageUrl: string;
  returnUrl: string;
}

/** The form fields in the order the gateway documents them. */
export type PaymentRequestFields = Record<
  | 'MemberID'
  | 'TerminalID'
  | 'InterfaceVersion'
  | 'KeyType'
  | 'PayID'
  | 'TradeDate'
  | 'TransID'
  | 'OrderMoney'
  | 'ProductName'
  | 'Amount'
  | 'Username'
  | 'AdditionalInfo'
  | 'NoticeType'
  | 'PageUrl'
  | 'ReturnUrl'
  | 'Signature',
  string
>;

export interface PaymentForm {
  action: string;
  fields: PaymentRequestFields;
  /** A page whose form posts itself to the gateway; every value HTML-escaped. */
  html: string;
}

export interface Violation {
  field: string;
  message: string;
}

const DIGITS = /^[0-9]+$/;

/**
 * Whether a request to `a` would reach the route of `b`: `new URL` lower-cases
 * the scheme and host, drops a default port and resolves dot segments; the
 * fragment never leaves the browser, the query plays no part in routing, and
 * Express routes ignore the path's case and one trailing slash.
 */
function sameRoute(a: string, b: string): boolean {
  if (a === b) return true;
  const route = (text: string) => {
    const u = new URL(text);
    return `${u.origin}${routeKey(u.pathname)}`;
  };
  try {
    return route(a) === route(b);
  } catch {
    return false;
  }
}

/**
 * An absolute http(s) URL, written as it is sent: `new URL` would quietly drop
 * a tab or line break, but the string is what is signed, and the browser
 * turns a line break in a form value into CR LF, so the gateway would hash
 * another string and refuse the payment.
 */
function isHttpUrl(text: string): boolean {
  if (/[\u0000-\u0020\u007f]/.test(text)) return false;
  try {
    const u = new URL(text);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * Longest value of each field, in characters: spec §2's "at most N characters"
 * (不超过 N 位) counts characters, not UTF-16 units or bytes, and so does
 * PostgreSQL's varchar, whose columns hold these fields. PageUrl has no limit
 * at the gateway; 1024 is its column's.
 */
export const FIELD_MAX_CHARACTERS = { ProductName: 64, Username: 64, AdditionalInfo: 128, PageUrl: 1024, ReturnUrl: 255 } as const;

/** Characters (code points) of `text`: an emoji or a rare Han character is one, as the gateway and PostgreSQL count it. */
export function characterCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Every rule of spec §2 the input breaks; empty when it is valid. */
export function paymentRequestViolations(input: PaymentRequestInput): Violation[] {
  const v: Violation[] = [];
  const bad = (field: string, message: string) => v.push({ field, message });
  if (!DIGITS.test(input.memberId ?? '')) bad('MemberID', 'must be digits');
  if (!DIGITS.test(input.terminalId ?? '')) bad('TerminalID', 'must be digits');
  if (typeof input.payId !== 'string' || !findProduct(input.payId)) bad('PayID', 'must be a PayID from the catalog, or empty for the cashier');
  if (typeof input.tradeDate !== 'string' || !isTradeTime(input.tradeDate)) bad('TradeDate', 'must be a valid yyyyMMddHHmmss time');
  if (typeof input.transId !== 'string' || !TRANS_ID_PATTERN.test(input.transId)) bad('TransID', 'must be 8 to 20 letters and digits');
  if (!Number.isSafeInteger(input.orderMoney) || input.orderMoney <= 0) bad('OrderMoney', 'must be a positive whole number of fen');
  const measured = { ProductName: input.productName, Username: input.username, AdditionalInfo: input.additionalInfo, PageUrl: input.pageUrl, ReturnUrl: input.returnUrl };
  for (const [field, max] of Object.entries(FIELD_MAX_CHARACTERS)) {
    const value = measured[field as keyof typeof measured];
    if (typeof value === 'string' && characterCount(value) > max) bad(field, `must be at most ${max} characters`);
  }
  if (input.amount !== undefined && (!Number.isSafeInteger(input.amount) || input.amount <= 0)) bad('Amount', 'must be a positive whole number');
  if (!isHttpUrl(input.pageUrl)) bad('PageUrl', 'must be an absolute http(s) URL without spaces or control characters');
  if (!isHttpUrl(input.returnUrl)) bad('ReturnUrl', 'must be an absolute http(s) URL without spaces or control characters');
  if (sameRoute(input.pageUrl, input.returnUrl)) bad('PageUrl', 'must not reach the route of ReturnUrl: the page address must never settle orders');
  for (const [field, value] of [['ProductName', input.productName], ['Username', input.username], ['AdditionalInfo', input.additionalInfo]] as const) {
    if (value !== undefined && /[\u0000-\u001f]/.test(value)) bad(field, 'must not contain control characters');
  }
  return v;
}

/**
 * Validates a payment request and signs it:
 * `md5(MemberID|PayID|TradeDate|TransID|OrderMoney|PageUrl|ReturnUrl|NoticeType|key)`.
 */
export function buildPaymentForm(input: PaymentRequestInput, key: string, action: string, charset: BaofooCharset = 'utf-8'): PaymentForm {
  const violations = paymentRequestViolations(input);
  if (violations.length > 0) {
    throw new BaofooProtocolError('PAYMENT_REQUEST_INVALID', violations.map((x) => `${x.field} ${x.message}`).join('; '), { violations });
  }
  const unsigned = {
    MemberID: input.memberId,
    TerminalID: input.terminalId,
    InterfaceVersion: INTERFACE_VERSION,
    KeyType: KEY_TYPE_MD5,
    PayID: input.payId,
    TradeDate: input.tradeDate,
    TransID: input.transId,
    OrderMoney: String(input.orderMoney),
    ProductName: input.productName ?? '',
    Amount: String(input.amount ?? 1),
    Username: input.username ?? '',
    AdditionalInfo: input.additionalInfo ?? '',
    NoticeType: NOTICE_TYPE,
    PageUrl: input.pageUrl,
    ReturnUrl: input.returnUrl,
  };
  const fields: PaymentRequestFields = { ...unsigned, Signature: md5Hex(paymentRequestSigningString(unsigned, key), charset) };
  return { action, fields, html: renderAutoSubmitForm(action, fields, charset) };
}

export function renderAutoSubmitForm(action: string, fields: Readonly<Record<string, string>>, charset: BaofooCharset = 'utf-8'): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `    <input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  return `<!doctype html>
<html>
<head><meta charset="utf-8"><title>Redirecting to the payment gateway</title></head>
<body>
  <form id="baofoo-pay" method="post" action="${escapeHtml(action)}" accept-charset="${charset}">
${inputs}
    <noscript><button type="submit">Continue to payment</button></noscript>
  </form>
  <script>document.getElementById('baofoo-pay').submit();</script>
</body>
</html>
`;
}
