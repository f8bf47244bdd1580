import { HttpStatus } from '@nestjs/common';
import { CallerError } from '../common/caller-error.ts';

/**
 * What the caller of `PaymentOrders.find` can fix, each answered 400:
 * - TRANS_ID_INVALID: the TransID is not 8 to 20 letters and digits;
 * - MEMBER_ID_INVALID: the MemberID is not 1 to 20 digits;
 * - TRANS_ID_AMBIGUOUS: several merchants used the TransID (`evidence.merchants`): pass `memberId`.
 */
export type OrderLookupErrorCode = 'TRANS_ID_INVALID' | 'MEMBER_ID_INVALID' | 'TRANS_ID_AMBIGUOUS';

/**
 * A lookup refused before any order is read. It is an `HttpException`, so an
 * app controller that passes a shopper's TransID to `find` answers 400 instead
 * of a 500, with `{ statusCode, error, message, code, evidence }`.
 */
export class OrderLookupError extends CallerError<OrderLookupErrorCode> {
  constructor(code: OrderLookupErrorCode, message: string, evidence: Readonly<Record<string, unknown>> = {}) {
    super(code, message, evidence, HttpStatus.BAD_REQUEST);
  }
}
