import type { OperatorOutcome, SettlementReasonCode } from '../orders/order-state-machine.ts';
import type { OrderRow } from '../orders/payment-order.repository.ts';
import type { Settlement } from '../orders/settlement-records.ts';
import { BaofooOperationsError } from './operations.errors.ts';

/** What an operator decided about a REVIEW order. */
export type ReviewOutcome = OperatorOutcome;

export interface ReviewResolution {
  transId: string;
  /** Needed only when several configured merchants used the TransID. */
  memberId?: string;
  outcome: ReviewOutcome;
  /** Who decided (an operator's name or id); written to the ledger and the event. */
  by: string;
  /** Why (ticket, bank statement line…); written to the ledger and the event. */
  why: string;
}

/** The ledger's marks of a hand resolution: how the board and the idempotency check find it. */
export const OPERATOR_METHOD = 'OPERATOR';
export const REVIEW_RESOLVED: SettlementReasonCode = 'REVIEW_RESOLVED';

const MAX_BY = 64;
const MAX_WHY = 500;

/** Refuses a resolution that could not be audited or names no real amount, before anything is read. */
export function checkResolution(r: ReviewResolution): ReviewResolution {
  const by = r.by.trim();
  const why = r.why.trim();
  if (!by || by.length > MAX_BY) throw new BaofooOperationsError('RESOLUTION_INVALID', `say who resolves the order (1 to ${MAX_BY} characters)`, { by: r.by });
  if (!why || why.length > MAX_WHY) throw new BaofooOperationsError('RESOLUTION_INVALID', `say why (1 to ${MAX_WHY} characters)`, { why: r.why });
  if (r.outcome.to === 'PAID' && (!Number.isSafeInteger(r.outcome.paidMoney) || r.outcome.paidMoney <= 0)) {
    throw new BaofooOperationsError('RESOLUTION_INVALID', `the amount paid must be a positive whole number of fen, not ${r.outcome.paidMoney}`, { paidMoney: r.outcome.paidMoney });
  }
  return { ...r, by, why };
}

/** The ledger fields a resolution is recorded with; `sameOutcome` reads them back. */
export function resolutionFields(r: ReviewResolution): Record<string, string> {
  return { ResolvedBy: r.by, Why: r.why, Outcome: r.outcome.to, ...(r.outcome.to === 'PAID' ? { PaidMoney: String(r.outcome.paidMoney) } : {}) };
}

/** Whether a recorded resolution (its ledger fields) decided what `outcome` asks for. */
export function sameOutcome(recorded: Record<string, string> | null, outcome: ReviewOutcome): boolean {
  if (!recorded || recorded.Outcome !== outcome.to) return false;
  return outcome.to === 'FAILED' || recorded.PaidMoney === String(outcome.paidMoney);
}

/** The resolution as news for the one settlement routine, with the operator's word as the ledger's evidence. */
export function resolutionSettlement(order: OrderRow, r: ReviewResolution): Settlement {
  return {
    memberId: order.memberId,
    transId: order.transId,
    terminalId: null,
    news: { resolve: r.outcome, by: r.by, why: r.why, source: 'operator' },
    resultDesc: null,
    succTime: null,
    evidence: { sourceIp: 'operator', method: OPERATOR_METHOD, fields: resolutionFields(r), rawBody: '', keyId: null, httpStatus: 0 },
    checkResult: null,
    reviewNextQueryAt: null,
  };
}
