import { HttpStatus } from '@nestjs/common';
import { CallerError } from '../common/caller-error.ts';

/** What the caller of `createPayment` can fix, each with the HTTP status it becomes. */
const STATUS = {
  /** A field breaks the spec or the catalog, or an address is off the bound domains: `evidence.violations` lists each. */
  PAYMENT_REQUEST_INVALID: HttpStatus.BAD_REQUEST,
  /** The MemberID/TerminalID asked for is not configured. */
  MERCHANT_UNKNOWN: HttpStatus.BAD_REQUEST,
  /** The TransID names an order that exists already (whatever its amount): pick a new one, or read that order. */
  TRANS_ID_TAKEN: HttpStatus.CONFLICT,
} as const;

export type PaymentRequestErrorCode = keyof typeof STATUS;

/**
 * A payment request refused before anything is stored. It is an
 * `HttpException`, so an app controller that calls `createPayment` answers
 * 400, or 409 for a TransID already used, instead of a 500; the body carries
 * the stable `code` and the evidence: `{ statusCode, error, message, code, evidence }`.
 */
export class PaymentRequestError extends CallerError<PaymentRequestErrorCode> {
  constructor(code: PaymentRequestErrorCode, message: string, evidence: Readonly<Record<string, unknown>> = {}) {
    super(code, message, evidence, STATUS[code]);
  }
}
