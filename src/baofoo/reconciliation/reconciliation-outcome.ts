import type { OrderStatus } from '../orders/order-status.ts';
import type { CheckResult } from '../protocol/result-codes.ts';

/**
 * What one order query led to:
 * - paid, failed, review, expired: the order moved (one transition, one event);
 * - later: P or N, asked again at `nextQueryAt`;
 * - unchanged: the answer agrees with the order, or says nothing new;
 * - mismatch: the answer contradicts a settled order: `baofoo.reconciliation.mismatch`, nothing changed;
 * - error: no trustworthy answer (`error` is the code): nothing changed, asked again at `nextQueryAt`;
 * - skipped: the claim's lease ran too short to query safely, or an on-demand query took the order meanwhile; the order comes back when the lease ends;
 * - too-soon: an on-demand query within a minute of the previous one (the gateway would refuse it).
 */
export type QueryOutcomeKind = 'paid' | 'failed' | 'review' | 'expired' | 'later' | 'unchanged' | 'mismatch' | 'error' | 'skipped' | 'too-soon';

export interface QueryOutcome {
  transId: string;
  memberId: string;
  kind: QueryOutcomeKind;
  /** The order's status as this query left it (as last read). */
  status: OrderStatus;
  checkResult: CheckResult | null;
  /** When the order will be asked about again, while it is PENDING (or REVIEW awaiting money). */
  nextQueryAt: Date | null;
  /** Why (expiry, review, mismatch), or the error message. */
  reason: string | null;
  /** The error code, for `error`. */
  error: string | null;
}

/** The outcome `kind` for `order`, with its status as read unless `more` says otherwise; what `more` leaves out is null. */
export function queryOutcome(
  order: Pick<QueryOutcome, 'transId' | 'memberId' | 'status'>,
  kind: QueryOutcomeKind,
  more: Partial<Pick<QueryOutcome, 'status' | 'checkResult' | 'nextQueryAt' | 'reason' | 'error'>> = {},
): QueryOutcome {
  return { transId: order.transId, memberId: order.memberId, kind, status: order.status, checkResult: null, nextQueryAt: null, reason: null, error: null, ...more };
}

/** One tick of reconciliation on this instance. */
export interface ReconciliationRun {
  /** The instant (from the module clock) the orders were claimed at. */
  at: Date;
  claimed: number;
  outcomes: QueryOutcome[];
}
