import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BaofooProtocolError,
  INTERFACE_VERSION,
  KEY_TYPE_MD5,
  md5Hex,
  NOTICE_TYPE,
  parseFen,
  paymentRequestSigningString,
  paymentRequestViolations,
  signaturesMatch,
  type PaymentRequestFields,
  type Violation,
} from '../baofoo/protocol/index.ts';
import { renderCashierPage, renderErrorPage } from './cashier.page.ts';
import { BodyTooLargeError, isForm, readBody, sendHtml } from './http.util.ts';
import { readMerchantForm } from './merchant-form.ts';
import type { SandboxContext } from './sandbox.context.ts';
import { logText } from '../baofoo/protocol/log-text.ts';

/** `POST /payindex`: checks the form like the gateway, then shows the cashier. */

const REQUIRED = ['MemberID', 'TerminalID', 'InterfaceVersion', 'KeyType', 'PayID', 'TradeDate', 'TransID', 'OrderMoney', 'NoticeType', 'PageUrl', 'ReturnUrl', 'Signature'] as const;
const OPTIONAL = ['ProductName', 'Amount', 'Username', 'AdditionalInfo'] as const;

/** Refusal codes, also sent in the `X-Sandbox-Error` header. */
export type PayindexErrorCode = 'FORM_MALFORMED' | 'MISSING_FIELD' | 'UNKNOWN_MERCHANT' | 'SIGNATURE_INVALID' | 'FIELD_INVALID' | 'TRANS_ID_REPEATED';

function fixedFieldViolations(f: Record<string, string>): Violation[] {
  const v: Violation[] = [];
  if (f.InterfaceVersion !== INTERFACE_VERSION) v.push({ field: 'InterfaceVersion', message: `must be ${INTERFACE_VERSION}` });
  if (f.KeyType !== KEY_TYPE_MD5) v.push({ field: 'KeyType', message: `must be ${KEY_TYPE_MD5} (MD5)` });
  if (f.NoticeType !== NOTICE_TYPE) v.push({ field: 'NoticeType', message: `must be ${NOTICE_TYPE}` });
  return v;
}

function amountOf(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  return /^[0-9]{1,9}$/.test(text) ? Number(text) : NaN;
}

export async function handlePayindex(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let fields: Record<string, string> = {};
  const refuse = (status: number, code: PayindexErrorCode, message: string, violations: Violation[] = []) => {
    ctx.recorder.add({
      type: 'payindex',
      accepted: false,
      status,
      memberId: fields.MemberID ?? '',
      terminalId: fields.TerminalID ?? '',
      transId: fields.TransID ?? '',
      fields: { ...fields },
      error: { code, message },
    });
    ctx.options.log(`payindex refused ${fields.TransID === undefined ? '(no TransID)' : logText(fields.TransID)}: ${code}`);
    sendHtml(res, status, renderErrorPage(code, message, violations), { 'x-sandbox-error': code });
  };

  if (!isForm(req)) return refuse(415, 'FORM_MALFORMED', 'the payment request must be a form POST (application/x-www-form-urlencoded)');
  try {
    fields = readMerchantForm(ctx, await readBody(req));
  } catch (e) {
    if (e instanceof BodyTooLargeError) return refuse(413, 'FORM_MALFORMED', e.message);
    if (e instanceof BaofooProtocolError) return refuse(400, 'FORM_MALFORMED', e.message);
    throw e;
  }

  const missing = REQUIRED.filter((name) => typeof fields[name] !== 'string');
  if (missing.length > 0) {
    return refuse(400, 'MISSING_FIELD', `missing fields: ${missing.join(', ')}`, missing.map((field) => ({ field, message: 'is required' })));
  }
  const merchant = ctx.findMerchant(fields.MemberID, fields.TerminalID);
  if (!merchant) return refuse(400, 'UNKNOWN_MERCHANT', `no merchant ${fields.MemberID} with terminal ${fields.TerminalID}`);

  const request = Object.fromEntries([...REQUIRED, ...OPTIONAL].map((name) => [name, fields[name] ?? ''])) as PaymentRequestFields;
  const expected = md5Hex(paymentRequestSigningString(request, merchant.key), merchant.charset);
  if (!signaturesMatch(expected, request.Signature)) {
    return refuse(400, 'SIGNATURE_INVALID', 'the Signature does not match the signed fields (MemberID|PayID|TradeDate|TransID|OrderMoney|PageUrl|ReturnUrl|NoticeType|key)');
  }

  let orderMoney = NaN;
  try {
    orderMoney = parseFen(request.OrderMoney, 'OrderMoney');
  } catch {
    // reported by paymentRequestViolations below
  }
  const violations = [
    ...fixedFieldViolations(request),
    ...paymentRequestViolations({
      memberId: request.MemberID,
      terminalId: request.TerminalID,
      payId: request.PayID,
      tradeDate: request.TradeDate,
      transId: request.TransID,
      orderMoney,
      productName: request.ProductName,
      amount: amountOf(fields.Amount),
      username: request.Username,
      additionalInfo: request.AdditionalInfo,
      pageUrl: request.PageUrl,
      returnUrl: request.ReturnUrl,
    }),
  ];
  if (violations.length > 0) {
    return refuse(400, 'FIELD_INVALID', violations.map((v) => `${v.field} ${v.message}`).join('; '), violations);
  }
  if (ctx.store.has(request.MemberID, request.TransID)) {
    return refuse(409, 'TRANS_ID_REPEATED', `order ${request.TransID} was already submitted (订单已提交)`);
  }

  const payment = ctx.store.add(merchant, Object.freeze(request), orderMoney);
  ctx.recorder.add({
    type: 'payindex',
    accepted: true,
    status: 200,
    memberId: request.MemberID,
    terminalId: request.TerminalID,
    transId: request.TransID,
    fields: { ...fields },
  });
  ctx.options.log(`payindex accepted ${logText(request.TransID)} of ${logText(request.MemberID)}: ${request.OrderMoney} fen`);
  sendHtml(res, 200, renderCashierPage(payment), { 'x-sandbox-cashier': `/cashier/${payment.token}` });
}
