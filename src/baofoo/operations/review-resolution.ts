import type { OperatorResolution } from '../events/baofoo-events.ts';
import { outboxEntry, type OutboxEntry } from '../events/outbox-entry.ts';
import type { LedgerEntry } from '../notifications/ledger-entry.ts';
import type { OrderRow } from '../orders/payment-order.repository.ts';
import type { Fen } from '../protocol/money.ts';
import { BaofooOperationsError } from './operations.errors.ts';

/** What an operator decided about a REVIEW order. */
export type ReviewOutcome = { to: 'PAID'; paidMoney: Fen } | { to: 'FAILED' };

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
export const REVIEW_RESOLVED = 'REVIEW_RESOLVED';

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

export function resolutionLedger(order: OrderRow, r: ReviewResolution): LedgerEntry {
  return {
    orderId: order.id,
    memberId: order.memberId,
    terminalId: order.terminalId,
    transId: order.transId,
    sourceIp: 'operator',
    method: OPERATOR_METHOD,
    fields: resolutionFields(r),
    rawBody: '',
    verdict: 'applied',
    reasonCode: REVIEW_RESOLVED,
    reason: `${r.by}: ${r.why}`,
    keyId: null,
    fromStatus: order.status,
    toStatus: r.outcome.to,
    httpStatus: 0,
  };
}

/** The usual payment event of the outcome, from source `operator`, with who and why. */
export function resolutionEvent(order: OrderRow, r: ReviewResolution, at: Date): OutboxEntry {
  const resolvedBy: OperatorResolution = { by: r.by, why: r.why };
  const subject = {
    orderId: order.id,
    transId: order.transId,
    memberId: order.memberId,
    terminalId: order.terminalId,
    orderMoney: order.orderMoney,
    factMoney: r.outcome.to === 'PAID' ? r.outcome.paidMoney : order.factMoney,
    status: r.outcome.to,
    previousStatus: order.status,
    source: 'operator' as const,
  };
  return r.outcome.to === 'PAID'
    ? outboxEntry('baofoo.payment.succeeded', subject, at, { resultDesc: null, succTime: null, late: false, resolvedBy })
    : outboxEntry('baofoo.payment.failed', subject, at, { resultDesc: null, succTime: null, resolvedBy });
}
