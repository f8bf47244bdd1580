import { HttpException, HttpStatus } from '@nestjs/common';

/** What the caller of `createPayment` can fix, each with the HTTP answer it becomes. */
const STATUS = {
  /** A field breaks the spec or the catalog, or an address is off the bound domains: `evidence.violations` lists each. */
  PAYMENT_REQUEST_INVALID: [HttpStatus.BAD_REQUEST, 'Bad Request'],
  /** The MemberID/TerminalID asked for is not configured. */
  MERCHANT_UNKNOWN: [HttpStatus.BAD_REQUEST, 'Bad Request'],
  /** The TransID names an order that exists already (whatever its amount): pick a new one, or read that order. */
  TRANS_ID_TAKEN: [HttpStatus.CONFLICT, 'Conflict'],
} as const;

export type PaymentRequestErrorCode = keyof typeof STATUS;

/**
 * A payment request refused before anything is stored. It is an
 * `HttpException` (as @nestjs/throttler's `ThrottlerException` is), so an app
 * controller that calls `createPayment` answers 400, or 409 for a TransID
 * already used, instead of a 500; the body carries the stable `code` and the
 * evidence: `{ statusCode, error, message, code, evidence }`.
 */
export class PaymentRequestError extends HttpException {
  constructor(
    readonly code: PaymentRequestErrorCode,
    message: string,
    readonly evidence: Readonly<Record<string, unknown>> = {},
  ) {
    const [status, error] = STATUS[code];
    // errorCode too: Nest 12's own field for a stable code, for filters and interceptors that read it.
    super({ statusCode: status, error, message, code, evidence }, status, { errorCode: code });
    this.name = 'PaymentRequestError';
  }
}
