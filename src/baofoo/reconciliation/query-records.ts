import { outboxEntry, type OutboxEntry } from '../events/outbox-entry.ts';
import type { LedgerEntry } from '../notifications/ledger-entry.ts';
import type { NotificationVerdict } from '../notifications/notification-verdict.ts';
import type { OrderNews } from '../orders/order-state-machine.ts';
import type { OrderRow } from '../orders/payment-order.repository.ts';
import type { Settlement, SettlementEvidence } from '../orders/settlement-records.ts';
import type { GatewayQueryResult } from './gateway-query.client.ts';

/**
 * Order-query answers as the settling routine's news and evidence, and the
 * records of a mismatch. Query rows share the notification ledger (method QUERY, the gateway's host as source) so that an
 * order's whole history reads from one table.
 */

export const QUERY_METHOD = 'QUERY';

/** An order-query answer as the settling routine's evidence (the ledger's request columns). */
export function queryEvidence(result: GatewayQueryResult): SettlementEvidence {
  const a = result.answer;
  return {
    sourceIp: result.host.slice(0, 64),
    method: QUERY_METHOD,
    fields: { MemberID: a.memberId, TerminalID: a.terminalId, TransID: a.transId, CheckResult: a.checkResult, succMoney: String(a.succMoney), SuccTime: a.succTime },
    rawBody: result.text,
    keyId: null,
    httpStatus: result.status,
  };
}

/** An answer as news about `order` for the settling routine. */
export function querySettlement(order: OrderRow, result: GatewayQueryResult, news: OrderNews, reviewNextQueryAt: Date | null): Settlement {
  return {
    memberId: order.memberId,
    transId: order.transId,
    terminalId: null,
    news,
    resultDesc: null,
    succTime: result.answer.succTime || null,
    evidence: queryEvidence(result),
    checkResult: result.answer.checkResult,
    reviewNextQueryAt,
  };
}

/** The ledger row of an answer that changed nothing but is worth recording (a mismatch). */
export function queryLedger(order: OrderRow, result: GatewayQueryResult, verdict: NotificationVerdict, reason: string, reasonCode: string): LedgerEntry {
  return {
    orderId: order.id,
    memberId: order.memberId,
    terminalId: order.terminalId,
    transId: order.transId,
    ...queryEvidence(result),
    verdict,
    reasonCode,
    reason,
    fromStatus: order.status,
    toStatus: order.status,
  };
}

export function mismatchEvent(order: OrderRow, reason: string, result: GatewayQueryResult, at: Date): OutboxEntry {
  return outboxEntry(
    'baofoo.reconciliation.mismatch',
    {
      orderId: order.id,
      transId: order.transId,
      memberId: order.memberId,
      terminalId: order.terminalId,
      orderMoney: order.orderMoney,
      factMoney: order.factMoney,
      status: order.status,
      previousStatus: order.status,
      source: 'query',
    },
    at,
    { reason, checkResult: result.answer.checkResult, succMoney: result.answer.succMoney },
  );
}
