import { BaofooError } from '../protocol/errors.ts';

/**
 * Stable codes of requests the board refuses before acting:
 * - FIELD_NOT_SINGLE (400): a query or form field sent more than once, or as a structure;
 * - OPERATOR_UNKNOWN (403): `operatorOf` named nobody for this request;
 * - AMOUNT_UNCONFIRMED (400): an amount paid far from every amount on record, without "confirm amount".
 */
export class BoardInputError extends BaofooError {
  get status(): number {
    return this.code === 'OPERATOR_UNKNOWN' ? 403 : 400;
  }
}
