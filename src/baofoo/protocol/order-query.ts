import type { BaofooCharset } from './charset.ts';
import { BaofooProtocolError } from './errors.ts';
import { parseFen, type Fen } from './money.ts';
import { isCheckResult, type CheckResult } from './result-codes.ts';
import { md5Hex, queryAnswerSigningString, queryRequestSigningString, signaturesMatch, type QueryAnswerSigned, type QueryRequestSigned } from './signature.ts';
import { isTradeTime } from './trade-time.ts';

/** The POST fields of an order query (spec §4). */
export interface QueryRequestFields extends QueryRequestSigned {
  MD5Sign: string;
}

export interface QueryAnswer {
  memberId: string;
  terminalId: string;
  transId: string;
  checkResult: CheckResult;
  succMoney: Fen;
  /** `yyyyMMddHHmmss` Shanghai time, as the gateway sent it (may be empty when not paid). */
  succTime: string;
}

/** `MD5Sign = md5(MemberID|TerminalID|TransID|key)` */
export function buildQueryRequest(ids: QueryRequestSigned, key: string, charset: BaofooCharset = 'utf-8'): QueryRequestFields {
  const fields = { MemberID: ids.MemberID, TerminalID: ids.TerminalID, TransID: ids.TransID };
  return { ...fields, MD5Sign: md5Hex(queryRequestSigningString(fields, key), charset) };
}

export function verifyQueryRequest(fields: QueryRequestFields, key: string, charset: BaofooCharset = 'utf-8'): boolean {
  return signaturesMatch(md5Hex(queryRequestSigningString(fields, key), charset), fields.MD5Sign);
}

function answerSigned(a: QueryAnswer): QueryAnswerSigned {
  return {
    MemberID: a.memberId,
    TerminalID: a.terminalId,
    TransID: a.transId,
    CheckResult: a.checkResult,
    succMoney: String(a.succMoney),
    SuccTime: a.succTime,
  };
}

/** The seven-field answer text, signed: what the gateway (or the sandbox) sends. */
export function renderQueryAnswer(answer: QueryAnswer, key: string, charset: BaofooCharset = 'utf-8'): string {
  const s = answerSigned(answer);
  const sign = md5Hex(queryAnswerSigningString(s, key), charset);
  return [s.MemberID, s.TerminalID, s.TransID, s.CheckResult, s.succMoney, s.SuccTime, sign].join('|');
}

/**
 * Reads an answer and verifies its signature. Anything that is not seven
 * well-formed, correctly signed fields (the gateway answers bad parameters with
 * a plain-text message) is a `BaofooProtocolError`, never a state.
 * `keysFor` gives the keys (current first, then not-yet-retired ones) of the
 * answer's merchant, so several merchants and a rotating key share one parser.
 */
export function parseQueryAnswer(
  text: string,
  keysFor: (memberId: string, terminalId: string) => readonly string[],
  charset: BaofooCharset = 'utf-8',
): QueryAnswer {
  const body = typeof text === 'string' ? text.trim() : '';
  const parts = body.split('|');
  const evidence = { text: body.slice(0, 200) };
  if (parts.length !== 7) {
    throw new BaofooProtocolError('QUERY_ANSWER_UNPARSEABLE', `the gateway answered something other than the seven fields: ${evidence.text}`, evidence);
  }
  const [MemberID, TerminalID, TransID, CheckResult, succMoney, SuccTime, Md5Sign] = parts;
  if (!isCheckResult(CheckResult)) throw new BaofooProtocolError('QUERY_ANSWER_UNPARSEABLE', `unknown CheckResult ${CheckResult}`, evidence);
  if (!/^(0|[1-9][0-9]{0,15})$/.test(succMoney)) throw new BaofooProtocolError('QUERY_ANSWER_UNPARSEABLE', 'succMoney is not a whole number of fen', evidence);
  // parseFen refuses amounts beyond 2^53 with its own MONEY_MALFORMED code; an
  // answer that cannot be read is QUERY_ANSWER_UNPARSEABLE whatever the reason.
  let money: Fen;
  try {
    money = parseFen(succMoney, 'succMoney');
  } catch {
    throw new BaofooProtocolError('QUERY_ANSWER_UNPARSEABLE', 'succMoney is too large', evidence);
  }
  if (SuccTime !== '' && !isTradeTime(SuccTime)) throw new BaofooProtocolError('QUERY_ANSWER_UNPARSEABLE', 'SuccTime is not a yyyyMMddHHmmss time', evidence);
  const keys = keysFor(MemberID, TerminalID);
  if (keys.length === 0) throw new BaofooProtocolError('QUERY_ANSWER_UNKNOWN_MERCHANT', `the answer names merchant ${MemberID}/${TerminalID}, which is not configured`, evidence);
  const signed = { MemberID, TerminalID, TransID, CheckResult, succMoney, SuccTime };
  if (!keys.some((key) => signaturesMatch(md5Hex(queryAnswerSigningString(signed, key), charset), Md5Sign))) throw new BaofooProtocolError('QUERY_ANSWER_BAD_SIGNATURE', 'the answer signature does not verify', evidence);
  return { memberId: MemberID, terminalId: TerminalID, transId: TransID, checkResult: CheckResult, succMoney: money, succTime: SuccTime };
}
