import type { Fen } from '../protocol/money.ts';
import { isPrepaidCard } from '../protocol/products.ts';
import type { OrderStatus, SettlementSource } from './order-status.ts';

/**
 * The pure rules of docs/architecture/settlement.md, Order states: given what an order says and
 * what the gateway now says, what should happen. No I/O; SettlementService
 * applies the answer with a conditional UPDATE.
 */

export interface OrderFacts {
  status: OrderStatus;
  payId: string;
  orderMoney: Fen;
  factMoney: Fen | null;
  /** AdditionalInfo as the merchant sent it (stored with the order). */
  additionalInfo?: string;
}

/** What the gateway reported, by notification or by query. */
export interface PaymentNews {
  succeeded: boolean;
  /** FactMoney of a notification, succMoney of a query answer. */
  paidMoney: Fen;
  resultDesc: string | null;
  source: SettlementSource;
  /** The AdditionalInfo the gateway echoed (notifications); absent when the news carries none (query answers). */
  additionalInfo?: string;
}

/**
 * Reconciliation gives up waiting on a PENDING order (reconciliation-policy's
 * judgePending): N after the grace time expires it, P at the maximum age sends
 * it to REVIEW, where it awaits its money.
 */
export interface GiveUpNews {
  giveUp: 'EXPIRED' | 'REVIEW';
  reason: string;
  source: 'query';
}

/** What an operator decided about an order in REVIEW: PAID with the money that arrived, or FAILED. */
export type OperatorOutcome = { to: 'PAID'; paidMoney: Fen } | { to: 'FAILED' };

/** An operator resolving a REVIEW order by hand; who and why go to the ledger and the event. */
export interface OperatorNews {
  resolve: OperatorOutcome;
  by: string;
  why: string;
  source: 'operator';
}

export type OrderNews = PaymentNews | GiveUpNews | OperatorNews;

/** The module's choices the rules depend on. */
export interface SettlementRules {
  /** A success whose echoed AdditionalInfo differs from the stored one: hold it in REVIEW, or settle and flag it. */
  additionalInfoMismatch: 'review' | 'settle';
}

export const DEFAULT_SETTLEMENT_RULES: SettlementRules = { additionalInfoMismatch: 'review' };

export type DecisionEvent = 'baofoo.payment.succeeded' | 'baofoo.payment.failed' | 'baofoo.payment.review_required' | 'baofoo.order.expired' | 'baofoo.payment.anomaly';

/** Stable codes of the ledger's reason_code for what a settlement noticed. */
export type SettlementReasonCode = 'PARTIAL_PAYMENT' | 'AMOUNT_MISMATCH' | 'ADDITIONAL_INFO_MISMATCH' | 'ORDER_EXPIRED' | 'STILL_PROCESSING' | 'REVIEW_RESOLVED';

/** The echoed AdditionalInfo differs from the stored one (the request signature does not cover it). */
export interface AdditionalInfoMismatch {
  stored: string;
  received: string;
}

export type Decision =
  | {
      kind: 'transition';
      from: OrderStatus;
      to: OrderStatus;
      verdict: 'applied' | 'review';
      factMoney: Fen | null;
      /** A success after FAILED or EXPIRED: money received is never dropped. */
      late: boolean;
      reason: string | null;
      reasonCode: SettlementReasonCode | null;
      /** Fen a prepaid card paid less than the order (PAID all the same); 0 for a full payment, null without money. */
      shortfall: Fen | null;
      additionalInfoMismatch: AdditionalInfoMismatch | null;
      event: DecisionEvent;
    }
  | {
      kind: 'none';
      verdict: 'duplicate' | 'ignored';
      reason: string;
      /** Raised for news that contradicts a settled order; nothing changes. */
      event: 'baofoo.payment.anomaly' | null;
      additionalInfoMismatch: AdditionalInfoMismatch | null;
    };

export type Transition = Extract<Decision, { kind: 'transition' }>;
export type NoChange = Extract<Decision, { kind: 'none' }>;

/** Bank and cashier orders must be paid exactly; a prepaid card may pay less (its face value), never more. */
export function amountProblem(order: Pick<OrderFacts, 'payId' | 'orderMoney'>, paid: Fen): string | null {
  if (isPrepaidCard(order.payId)) {
    if (paid <= 0) return `prepaid card paid ${paid} fen`;
    return paid > order.orderMoney ? `prepaid card paid ${paid} fen, more than the order's ${order.orderMoney}` : null;
  }
  return paid === order.orderMoney ? null : `paid ${paid} fen for an order of ${order.orderMoney}`;
}

/** Prior states a transition to `to` may start from; the conditional UPDATE's WHERE clause. */
export function allowedFrom(to: OrderStatus): OrderStatus[] {
  switch (to) {
    case 'PAID':
    case 'REVIEW':
      // REVIEW only when no money was recorded yet (still processing at max age): see success().
      return ['PENDING', 'FAILED', 'EXPIRED', 'REVIEW'];
    case 'FAILED':
      // REVIEW only while it awaits money: the gateway's failure ends that wait (see failure()).
      return ['PENDING', 'REVIEW'];
    case 'EXPIRED':
      return ['PENDING'];
    case 'PENDING':
      return [];
  }
}

/** The prior states of a transition the news decided: a hand resolution leaves only REVIEW, whatever its target. */
export function priorStates(news: OrderNews, to: OrderStatus): OrderStatus[] {
  return 'resolve' in news ? ['REVIEW'] : allowedFrom(to);
}

/** A REVIEW with no money recorded: the gateway still said "processing" at the maximum age, and the money is awaited. */
export function awaitsMoney(order: Pick<OrderFacts, 'status' | 'factMoney'>): boolean {
  return order.status === 'REVIEW' && order.factMoney === null;
}

function infoMismatch(order: OrderFacts, news: PaymentNews): AdditionalInfoMismatch | null {
  if (news.additionalInfo === undefined || order.additionalInfo === undefined || news.additionalInfo === order.additionalInfo) return null;
  return { stored: order.additionalInfo, received: news.additionalInfo };
}

const INFO_REASON = 'the echoed AdditionalInfo differs from the one sent with the order';

/*
 * A success that moves the order, written out whole: on Node 20 a spread
 * followed by more fields costs a new hidden class per call (about 12 µs here,
 * 4 % of the server's CPU per notification in the bench).
 */
function successTransition(
  order: OrderFacts,
  news: PaymentNews,
  mismatch: AdditionalInfoMismatch | null,
  to: 'PAID' | 'REVIEW',
  reason: string | null,
  reasonCode: SettlementReasonCode | null,
  shortfall: Fen | null,
): Transition {
  return {
    kind: 'transition',
    from: order.status,
    factMoney: news.paidMoney,
    late: order.status !== 'PENDING',
    additionalInfoMismatch: mismatch,
    to,
    verdict: to === 'PAID' ? 'applied' : 'review',
    reason,
    reasonCode,
    shortfall,
    event: to === 'PAID' ? 'baofoo.payment.succeeded' : 'baofoo.payment.review_required',
  };
}

function success(order: OrderFacts, news: PaymentNews, rules: SettlementRules): Decision {
  const mismatch = infoMismatch(order, news);
  // Money on record (PAID, or REVIEW with its amount): another amount contradicts it, whichever source says so
  // (a query answer says it as a reconciliation mismatch, a notification as this anomaly).
  if (order.status === 'PAID' || (order.status === 'REVIEW' && !awaitsMoney(order))) {
    return order.factMoney === news.paidMoney
      ? { kind: 'none', verdict: 'duplicate', reason: `order already ${order.status}`, event: null, additionalInfoMismatch: mismatch }
      : {
          kind: 'none',
          verdict: 'ignored',
          reason: `success for ${news.paidMoney} fen after ${order.status} with ${order.factMoney}`,
          event: 'baofoo.payment.anomaly',
          additionalInfoMismatch: mismatch,
        };
  }
  const problem = amountProblem(order, news.paidMoney);
  if (problem) return successTransition(order, news, mismatch, 'REVIEW', problem, 'AMOUNT_MISMATCH', null);
  const shortfall = order.orderMoney - news.paidMoney;
  const partial = shortfall > 0 ? `prepaid card paid ${news.paidMoney} fen of ${order.orderMoney}: ${shortfall} fen short` : null;
  if (mismatch && rules.additionalInfoMismatch === 'review') {
    return successTransition(order, news, mismatch, 'REVIEW', [INFO_REASON, partial].filter(Boolean).join('; '), 'ADDITIONAL_INFO_MISMATCH', shortfall);
  }
  const reason = [mismatch ? INFO_REASON : null, partial].filter(Boolean).join('; ') || null;
  return successTransition(order, news, mismatch, 'PAID', reason, mismatch ? 'ADDITIONAL_INFO_MISMATCH' : partial ? 'PARTIAL_PAYMENT' : null, shortfall);
}

/*
 * A REVIEW order awaiting money is a PENDING order whose wait ran out while the
 * gateway still said "processing": the gateway's failure is the answer that
 * wait was for, so it fails like a PENDING one (and leaves the query schedule);
 * money that still comes pays it late, as for any FAILED order. A REVIEW order
 * with money is treated like a PAID one: a failure never drops that money.
 */
function failure(order: OrderFacts, news: PaymentNews): Decision {
  const mismatch = infoMismatch(order, news);
  if (order.status === 'PENDING' || awaitsMoney(order)) {
    const reasons = [order.status === 'REVIEW' ? 'the gateway reports the payment failed: the money awaited in REVIEW never came' : null, mismatch ? INFO_REASON : null];
    return {
      kind: 'transition',
      from: order.status,
      to: 'FAILED',
      verdict: 'applied',
      factMoney: null,
      late: false,
      reason: reasons.filter(Boolean).join('; ') || null,
      reasonCode: mismatch ? 'ADDITIONAL_INFO_MISMATCH' : null,
      shortfall: null,
      additionalInfoMismatch: mismatch,
      event: 'baofoo.payment.failed',
    };
  }
  switch (order.status) {
    case 'PAID':
    case 'REVIEW':
      return { kind: 'none', verdict: 'ignored', reason: `failure after the order was ${order.status === 'PAID' ? 'PAID' : 'REVIEW with money'}: no downgrade`, event: 'baofoo.payment.anomaly', additionalInfoMismatch: mismatch };
    case 'FAILED':
      return { kind: 'none', verdict: 'duplicate', reason: 'order already FAILED', event: null, additionalInfoMismatch: mismatch };
    default:
      return { kind: 'none', verdict: 'ignored', reason: `failure for an order already ${order.status}`, event: null, additionalInfoMismatch: mismatch };
  }
}

function giveUp(order: OrderFacts, news: GiveUpNews): Decision {
  if (order.status !== 'PENDING') return { kind: 'none', verdict: 'ignored', reason: `order already ${order.status}`, event: null, additionalInfoMismatch: null };
  const expire = news.giveUp === 'EXPIRED';
  return {
    kind: 'transition',
    from: 'PENDING',
    to: news.giveUp,
    verdict: expire ? 'applied' : 'review',
    factMoney: null,
    late: false,
    reason: news.reason,
    reasonCode: expire ? 'ORDER_EXPIRED' : 'STILL_PROCESSING',
    shortfall: null,
    additionalInfoMismatch: null,
    event: expire ? 'baofoo.order.expired' : 'baofoo.payment.review_required',
  };
}

/**
 * Only an order in REVIEW is resolved by hand. Any other order is left as it
 * is: a duplicate when it already is what the operator asks for, ignored
 * otherwise; the caller tells a repeated resolution from a conflicting one
 * (or an order that never was in REVIEW) by the ledger's record of it.
 */
function resolution(order: OrderFacts, news: OperatorNews): Decision {
  const r = news.resolve;
  if (order.status !== 'REVIEW') {
    const same = order.status === r.to && (r.to === 'FAILED' || order.factMoney === r.paidMoney);
    return same
      ? { kind: 'none', verdict: 'duplicate', reason: `order already ${order.status}`, event: null, additionalInfoMismatch: null }
      : { kind: 'none', verdict: 'ignored', reason: `order is ${order.status}: only an order in REVIEW can be resolved by hand`, event: null, additionalInfoMismatch: null };
  }
  return {
    kind: 'transition',
    from: 'REVIEW',
    to: r.to,
    verdict: 'applied',
    factMoney: r.to === 'PAID' ? r.paidMoney : null,
    late: false,
    reason: `${news.by}: ${news.why}`,
    reasonCode: 'REVIEW_RESOLVED',
    // Less than the order with the operator's blessing is still a partial payment to the shop's listeners.
    shortfall: r.to === 'PAID' ? Math.max(0, order.orderMoney - r.paidMoney) : null,
    additionalInfoMismatch: null,
    event: r.to === 'PAID' ? 'baofoo.payment.succeeded' : 'baofoo.payment.failed',
  };
}

export function decide(order: OrderFacts, news: OrderNews, rules: SettlementRules = DEFAULT_SETTLEMENT_RULES): Decision {
  if ('giveUp' in news) return giveUp(order, news);
  if ('resolve' in news) return resolution(order, news);
  return news.succeeded ? success(order, news, rules) : failure(order, news);
}
