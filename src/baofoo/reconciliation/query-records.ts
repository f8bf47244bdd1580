import { outboxEntry, type EventSubject, type OutboxEntry } from '../events/outbox-entry.ts';
import type { LedgerEntry } from '../notifications/ledger-entry.ts';
import type { NotificationVerdict } from '../notifications/notification-verdict.ts';
import type { Decision } from '../orders/order-state-machine.ts';
import type { OrderStatus } from '../orders/order-status.ts';
import type { OrderRow } from '../orders/payment-order.repository.ts';
import type { GatewayQueryResult } from './gateway-query.client.ts';

/**
 * The ledger rows and events of query-driven changes. They share the
 * notification ledger (method QUERY, the gateway's host as source) so that an
 * order's whole history reads from one table.
 */

export const QUERY_METHOD = 'QUERY';

export function queryLedger(
  order: OrderRow,
  result: GatewayQueryResult,
  verdict: NotificationVerdict,
  toStatus: OrderStatus,
  reason: string | null,
  reasonCode: string | null = null,
): LedgerEntry {
  const a = result.answer;
  return {
    orderId: order.id,
    memberId: order.memberId,
    terminalId: order.terminalId,
    transId: order.transId,
    sourceIp: result.host.slice(0, 64),
    method: QUERY_METHOD,
    fields: { MemberID: a.memberId, TerminalID: a.terminalId, TransID: a.transId, CheckResult: a.checkResult, succMoney: String(a.succMoney), SuccTime: a.succTime },
    rawBody: result.text,
    verdict,
    reasonCode,
    reason,
    keyId: null,
    fromStatus: order.status,
    toStatus,
    httpStatus: result.status,
  };
}

function subject(order: OrderRow, change: Pick<EventSubject, 'factMoney' | 'status' | 'source'>): EventSubject {
  return {
    orderId: order.id,
    transId: order.transId,
    memberId: order.memberId,
    terminalId: order.terminalId,
    orderMoney: order.orderMoney,
    previousStatus: order.status,
    ...change,
  };
}

/** The event of a state-machine transition (Y or F): the same events a notification raises, from source `query`. */
export function decisionEvent(order: OrderRow, d: Extract<Decision, { kind: 'transition' }>, result: GatewayQueryResult, at: Date): OutboxEntry {
  return outboxEntry(d.event, subject(order, { factMoney: d.factMoney, status: d.to, source: 'query' }), at, {
    resultDesc: null,
    succTime: result.answer.succTime || null,
    late: d.late,
    reason: d.reason,
  });
}

export function expiredEvent(order: OrderRow, reason: string, result: GatewayQueryResult, at: Date): OutboxEntry {
  return outboxEntry('baofoo.order.expired', subject(order, { factMoney: null, status: 'EXPIRED', source: 'expiry' }), at, {
    reason,
    lastCheckResult: result.answer.checkResult,
  });
}

export function reviewEvent(order: OrderRow, reason: string, at: Date): OutboxEntry {
  return outboxEntry('baofoo.payment.review_required', subject(order, { factMoney: null, status: 'REVIEW', source: 'query' }), at, {
    reason,
    resultDesc: null,
    succTime: null,
  });
}

export function mismatchEvent(order: OrderRow, reason: string, result: GatewayQueryResult, at: Date): OutboxEntry {
  return outboxEntry('baofoo.reconciliation.mismatch', subject(order, { factMoney: order.factMoney, status: order.status, source: 'query' }), at, {
    reason,
    checkResult: result.answer.checkResult,
    succMoney: result.answer.succMoney,
  });
}
