import { hash, timingSafeEqual } from 'node:crypto';
import { encodeText, type BaofooCharset } from './charset.ts';

/**
 * The three signature rules of interface 4.0 (spec §2, §3, §4). Each builder
 * returns the exact string that is hashed; the string contains the key, so it
 * must never be logged.
 */

export interface PaymentRequestSigned {
  MemberID: string;
  PayID: string;
  TradeDate: string;
  TransID: string;
  OrderMoney: string;
  PageUrl: string;
  ReturnUrl: string;
  NoticeType: string;
}

export interface PaymentResultSigned {
  MemberID: string;
  TerminalID: string;
  TransID: string;
  Result: string;
  ResultDesc: string;
  FactMoney: string;
  AdditionalInfo: string;
  SuccTime: string;
}

export interface QueryRequestSigned {
  MemberID: string;
  TerminalID: string;
  TransID: string;
}

export interface QueryAnswerSigned extends QueryRequestSigned {
  CheckResult: string;
  succMoney: string;
  SuccTime: string;
}

/** `MemberID|PayID|TradeDate|TransID|OrderMoney|PageUrl|ReturnUrl|NoticeType|key` */
export function paymentRequestSigningString(f: PaymentRequestSigned, key: string): string {
  return [f.MemberID, f.PayID, f.TradeDate, f.TransID, f.OrderMoney, f.PageUrl, f.ReturnUrl, f.NoticeType, key].join('|');
}

const RESULT_FIELDS = ['MemberID', 'TerminalID', 'TransID', 'Result', 'ResultDesc', 'FactMoney', 'AdditionalInfo', 'SuccTime'] as const;

/** `MemberID=…~|~TerminalID=…~|~…~|~SuccTime=…~|~Md5Sign=key` (concatenated: it is built for every notification). */
export function paymentResultSigningString(f: PaymentResultSigned, key: string): string {
  let text = '';
  for (const name of RESULT_FIELDS) text += `${name}=${f[name]}~|~`;
  return `${text}Md5Sign=${key}`;
}

/** `MemberID|TerminalID|TransID|key` */
export function queryRequestSigningString(f: QueryRequestSigned, key: string): string {
  return [f.MemberID, f.TerminalID, f.TransID, key].join('|');
}

/** `MemberID|TerminalID|TransID|CheckResult|succMoney|SuccTime|key` */
export function queryAnswerSigningString(f: QueryAnswerSigned, key: string): string {
  return [f.MemberID, f.TerminalID, f.TransID, f.CheckResult, f.succMoney, f.SuccTime, key].join('|');
}

/** Lower-case hex MD5 of the string encoded in the configured charset. */
export function md5Hex(signingString: string, charset: BaofooCharset = 'utf-8'): string {
  // One-shot hash: no Hash object per signature, and UTF-8 text needs no Buffer (hash encodes strings as UTF-8).
  return hash('md5', charset === 'utf-8' ? signingString : encodeText(signingString, charset), 'hex');
}

const HEX32 = /^[0-9a-fA-F]{32}$/;
const ZERO = Buffer.alloc(16);

/**
 * Compares a received hex signature with the expected one, case-insensitively
 * and in constant time for well-formed input. Odd input (not a string, wrong
 * length, non-hex, empty) is simply not equal: this never throws.
 */
export function signaturesMatch(expectedHex: string, received: unknown): boolean {
  if (typeof received !== 'string' || !HEX32.test(received) || !HEX32.test(expectedHex)) {
    // Still spend one comparison so a malformed guess costs what a wrong one does.
    timingSafeEqual(ZERO, ZERO);
    return false;
  }
  return timingSafeEqual(Buffer.from(expectedHex, 'hex'), Buffer.from(received, 'hex'));
}
