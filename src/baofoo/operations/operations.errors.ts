import { BaofooError } from '../protocol/errors.ts';

/**
 * Stable codes of refused operator actions:
 * - ORDER_UNKNOWN / ORDER_AMBIGUOUS: no order, or several merchants used the TransID;
 * - ORDER_NOT_IN_REVIEW: only a REVIEW order can be resolved by hand;
 * - RESOLUTION_CONFLICT: the order was already resolved the other way;
 * - RESOLUTION_INVALID: missing who or why, or an amount that is not a positive whole number of fen;
 * - ARCHIVE_MONTH_INVALID / ARCHIVE_MONTH_OPEN: a month that is not `YYYY-MM`, or not yet over.
 */
export class BaofooOperationsError extends BaofooError {}
