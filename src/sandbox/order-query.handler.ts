import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BaofooProtocolError,
  formatTradeTime,
  renderQueryAnswer,
  TRANS_ID_PATTERN,
  verifyQueryRequest,
  type CheckResult,
  type QueryAnswer,
} from '../baofoo/protocol/index.ts';
import { BodyTooLargeError, isForm, readBody, send, sendText } from './http.util.ts';
import { readMerchantForm } from './merchant-form.ts';
import type { QueryRecord } from './recorder.ts';
import type { SandboxContext } from './sandbox.context.ts';
import { logText } from '../baofoo/protocol/log-text.ts';

/**
 * `POST /order/query`: verifies MD5Sign and answers the seven signed fields
 * `MemberID|TerminalID|TransID|CheckResult|succMoney|SuccTime|Md5Sign`, or a
 * plain-text error for bad parameters, as the gateway does.
 */

const REQUIRED = ['MemberID', 'TerminalID', 'TransID', 'MD5Sign'] as const;
const GARBAGE = '<html><body><h1>系统繁忙</h1><p>system busy, please retry later</p></body></html>';

export class QueryRateLimit {
  private readonly last = new Map<string, number>();

  /** True when the order was already answered less than `intervalMs` ago (then the query is refused). */
  tooSoon(key: string, now: number, intervalMs: number): boolean {
    if (intervalMs <= 0) return false;
    const previous = this.last.get(key);
    if (previous !== undefined && now - previous < intervalMs) return true;
    this.last.set(key, now);
    return false;
  }
}

export async function handleOrderQuery(ctx: SandboxContext, limiter: QueryRateLimit, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let fields: Record<string, string> = {};
  const record = (status: number, answer: string, extra: Partial<Pick<QueryRecord, 'checkResult' | 'refused' | 'fault'>>) =>
    ctx.recorder.add({
      type: 'query',
      memberId: fields.MemberID ?? '',
      terminalId: fields.TerminalID ?? '',
      transId: fields.TransID ?? '',
      fields: { ...fields },
      status,
      answer,
      ...extra,
    });
  const refuse = (reason: string, status = 200) => {
    const text = `ERROR: ${reason}`;
    record(status, text, { refused: reason });
    ctx.options.log(`order query refused ${logText(fields.TransID ?? '')}: ${logText(reason)}`);
    sendText(res, status, text);
  };

  if (!isForm(req)) return refuse('the query must be a form POST (application/x-www-form-urlencoded)', 415);
  try {
    fields = readMerchantForm(ctx, await readBody(req, 8 * 1024));
  } catch (e) {
    if (e instanceof BodyTooLargeError || e instanceof BaofooProtocolError) return refuse(`malformed parameters: ${e.message}`);
    throw e;
  }
  const missing = REQUIRED.filter((name) => typeof fields[name] !== 'string' || fields[name] === '');
  if (missing.length > 0) return refuse(`missing parameters: ${missing.join(', ')}`);
  const merchant = ctx.findMerchant(fields.MemberID, fields.TerminalID);
  if (!merchant) return refuse(`no merchant ${fields.MemberID} with terminal ${fields.TerminalID}`);
  const request = { MemberID: fields.MemberID, TerminalID: fields.TerminalID, TransID: fields.TransID, MD5Sign: fields.MD5Sign };
  if (!verifyQueryRequest(request, merchant.key, merchant.charset)) return refuse('MD5Sign verification failed');
  if (!TRANS_ID_PATTERN.test(request.TransID)) return refuse('TransID must be 8 to 20 letters and digits');

  const faults = ctx.faults.effective(request.TransID);
  let fault: QueryRecord['fault'];
  if (faults.queryDelayMs) {
    fault = 'delay';
    if (!(await ctx.notifier.sleep(faults.queryDelayMs))) return sendText(res, 503, 'sandbox stopping');
  }
  if (faults.queryStatus) {
    const text = `${faults.queryStatus} sandbox fault: service unavailable`;
    record(faults.queryStatus, text, { fault: 'status' });
    return sendText(res, faults.queryStatus, text);
  }
  if (faults.queryGarbage) {
    record(200, GARBAGE, { fault: 'garbage' });
    return send(res, 200, 'text/html; charset=utf-8', GARBAGE);
  }

  const now = ctx.options.clock();
  if (limiter.tooSoon(`${request.MemberID}/${request.TransID}`, now.getTime(), ctx.options.queryMinIntervalMs)) {
    return refuse('query too frequent: at most one query per order per minute');
  }

  const payment = ctx.store.get(request.MemberID, request.TransID);
  const known = payment !== undefined && payment.request.TerminalID === request.TerminalID;
  const nowText = formatTradeTime(now, ctx.options.timeZone);
  let checkResult: CheckResult = 'N';
  let succMoney = 0;
  let succTime = nowText;
  if (known && payment.state === 'paid') {
    checkResult = 'Y';
    succMoney = payment.factMoney!;
    succTime = payment.succTime!;
  } else if (known && payment.state === 'failed') {
    checkResult = 'F';
    succTime = payment.succTime!;
  } else if (known) {
    checkResult = 'P';
  }
  const answer: QueryAnswer = { memberId: request.MemberID, terminalId: request.TerminalID, transId: request.TransID, checkResult, succMoney, succTime };
  const text = renderQueryAnswer(answer, merchant.key, merchant.charset);
  record(200, text, { checkResult, fault });
  ctx.options.log(`order query ${logText(request.TransID)} of ${logText(request.MemberID)}: ${checkResult}`);
  sendText(res, 200, text, merchant.charset);
}
