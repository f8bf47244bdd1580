import type { Fen } from '../protocol/money.ts';
import { isPrepaidCard } from '../protocol/products.ts';
import type { OrderStatus, SettlementSource } from './order-status.ts';

/**
 * The pure rules of design.md §Order states: given what an order says and
 * what the gateway now says, what should happen. No I/O; the repository
 * applies the answer with a conditional UPDATE.
 */

export interface OrderFacts {
  status: OrderStatus;
  payId: string;
  orderMoney: Fen;
  factMoney: Fen | null;
}

/** What the gateway reported, by notification or by query. */
export interface PaymentNews {
  succeeded: boolean;
  /** FactMoney of a notification, succMoney of a query answer. */
  paidMoney: Fen;
  resultDesc: string | null;
  source: SettlementSource;
}

export type DecisionEvent = 'baofoo.payment.succeeded' | 'baofoo.payment.failed' | 'baofoo.payment.review_required' | 'baofoo.payment.anomaly';

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
      event: DecisionEvent;
    }
  | {
      kind: 'none';
      verdict: 'duplicate' | 'ignored';
      reason: string;
      /** Raised for news that contradicts a settled order; nothing changes. */
      event: 'baofoo.payment.anomaly' | null;
    };

/** Bank and cashier orders must be paid exactly; a prepaid card may pay less (its face value), never more. */
export function amountProblem(order: Pick<OrderFacts, 'payId' | 'orderMoney'>, paid: Fen): string | null {
  if (isPrepaidCard(order.payId)) {
    if (paid <= 0) return `prepaid card paid ${paid} fen`;
    return paid > order.orderMoney ? `prepaid card paid ${paid} fen, more than the order's ${order.orderMoney}` : null;
  }
  return paid === order.orderMoney ? null : `paid ${paid} fen for an order of ${order.orderMoney}`;
}

/** Prior states a transition to `to` may start from; the repository's WHERE clause. */
export function allowedFrom(to: OrderStatus): OrderStatus[] {
  switch (to) {
    case 'PAID':
    case 'REVIEW':
      // REVIEW only when no money was recorded yet (still processing at max age): see success().
      return ['PENDING', 'FAILED', 'EXPIRED', 'REVIEW'];
    case 'FAILED':
    case 'EXPIRED':
      return ['PENDING'];
    case 'PENDING':
      return [];
  }
}

function success(order: OrderFacts, news: PaymentNews): Decision {
  const problem = amountProblem(order, news.paidMoney);
  // A REVIEW with no money recorded (the gateway still said "processing" at max age) awaits exactly this news.
  const awaitingMoney = order.status === 'REVIEW' && order.factMoney === null;
  if (order.status === 'PAID' || (order.status === 'REVIEW' && !awaitingMoney)) {
    const same = order.factMoney === news.paidMoney;
    return same || order.status === 'REVIEW'
      ? { kind: 'none', verdict: 'duplicate', reason: `order already ${order.status}`, event: null }
      : { kind: 'none', verdict: 'ignored', reason: `success for ${news.paidMoney} fen after PAID with ${order.factMoney}`, event: 'baofoo.payment.anomaly' };
  }
  const late = order.status !== 'PENDING';
  return problem
    ? { kind: 'transition', from: order.status, to: 'REVIEW', verdict: 'review', factMoney: news.paidMoney, late, reason: problem, event: 'baofoo.payment.review_required' }
    : { kind: 'transition', from: order.status, to: 'PAID', verdict: 'applied', factMoney: news.paidMoney, late, reason: null, event: 'baofoo.payment.succeeded' };
}

function failure(order: OrderFacts): Decision {
  switch (order.status) {
    case 'PENDING':
      return { kind: 'transition', from: 'PENDING', to: 'FAILED', verdict: 'applied', factMoney: null, late: false, reason: null, event: 'baofoo.payment.failed' };
    case 'PAID':
      return { kind: 'none', verdict: 'ignored', reason: 'failure after the order was PAID: no downgrade', event: 'baofoo.payment.anomaly' };
    case 'FAILED':
      return { kind: 'none', verdict: 'duplicate', reason: 'order already FAILED', event: null };
    case 'REVIEW':
    case 'EXPIRED':
      return { kind: 'none', verdict: 'ignored', reason: `failure for an order already ${order.status}`, event: null };
  }
}

export function decide(order: OrderFacts, news: PaymentNews): Decision {
  return news.succeeded ? success(order, news) : failure(order);
}
