import { outboxEntry, type EventSubject, type OutboxEntry } from '../events/outbox-entry.ts';
import type { LedgerEntry } from '../notifications/ledger-entry.ts';
import type { OperatorResolution } from '../events/baofoo-events.ts';
import type { Decision, NoChange, OperatorNews, OrderNews, Transition } from './order-state-machine.ts';
import type { OrderStatus, SettlementSource } from './order-status.ts';
import type { OrderRow } from './payment-order.repository.ts';

/**
 * The ledger row and events a settlement writes, from the order as read, the
 * decision and the news. Pure: the same for notifications, query answers and
 * operators' hand resolutions, whose differences are data (`SettlementEvidence`).
 */

/** What the news arrived as, for the ledger: the request (notification), the answer (query) or the operator's word. */
export interface SettlementEvidence {
  sourceIp: string;
  method: string;
  fields: Record<string, string> | null;
  rawBody: string;
  keyId: string | null;
  httpStatus: number;
}

/** One piece of news about one order, from a notification or an order query. */
export interface Settlement {
  memberId: string;
  transId: string;
  /** The terminal the news names; null when it need not be checked (a query about an order already read). */
  terminalId: string | null;
  news: OrderNews;
  resultDesc: string | null;
  succTime: string | null;
  evidence: SettlementEvidence;
  /** The answer's CheckResult (queries), for the expiry event. */
  checkResult: string | null;
  /** When reconciliation asks again if this leaves the order in REVIEW awaiting money (queries); null: never. */
  reviewNextQueryAt: Date | null;
}

export function sourceOf(s: Settlement): SettlementSource {
  return s.news.source;
}

/** Field by field, not `...s.evidence`: on Node 20 a spread among other fields costs a new hidden class per call. */
export function settlementLedger(order: OrderRow, d: Decision, s: Settlement): LedgerEntry {
  const transition = d.kind === 'transition';
  const e = s.evidence;
  return {
    orderId: order.id || null,
    memberId: order.memberId,
    terminalId: order.terminalId,
    transId: order.transId,
    sourceIp: e.sourceIp,
    method: e.method,
    fields: e.fields,
    rawBody: e.rawBody,
    keyId: e.keyId,
    httpStatus: e.httpStatus,
    verdict: d.verdict,
    reasonCode: transition ? d.reasonCode : d.additionalInfoMismatch ? 'ADDITIONAL_INFO_MISMATCH' : null,
    reason: d.reason,
    fromStatus: order.status,
    toStatus: transition ? d.to : order.status,
  };
}

/** The state machine gives every expiry and REVIEW its reason; a decision's type allows none, the events' do not. */
const given = (reason: string | null): string => reason ?? '';

function subject(order: OrderRow, status: OrderStatus, factMoney: EventSubject['factMoney'], source: EventSubject['source']): EventSubject {
  return {
    orderId: order.id || null,
    transId: order.transId,
    memberId: order.memberId,
    terminalId: order.terminalId,
    orderMoney: order.orderMoney,
    factMoney,
    status,
    previousStatus: order.status,
    source,
  };
}

/** The usual payment event of a hand resolution, with who and why; the order keeps the money it had when failed. */
function resolutionEvent(order: OrderRow, d: Transition, news: OperatorNews, at: Date): OutboxEntry {
  const resolvedBy: OperatorResolution = { by: news.by, why: news.why };
  const resolved = subject(order, d.to, d.factMoney ?? order.factMoney, 'operator');
  return d.to === 'PAID'
    ? outboxEntry('baofoo.payment.succeeded', resolved, at, { resultDesc: null, succTime: null, late: false, partial: (d.shortfall ?? 0) > 0, shortfall: d.shortfall ?? 0, reason: null, resolvedBy })
    : outboxEntry('baofoo.payment.failed', resolved, at, { resultDesc: null, succTime: null, reason: null, resolvedBy });
}

function transitionEvent(order: OrderRow, d: Transition, s: Settlement, at: Date): OutboxEntry {
  if ('resolve' in s.news) return resolutionEvent(order, d, s.news, at);
  const source = sourceOf(s);
  switch (d.event) {
    case 'baofoo.order.expired':
      return outboxEntry(d.event, subject(order, d.to, null, 'expiry'), at, { reason: given(d.reason), lastCheckResult: s.checkResult });
    case 'baofoo.payment.review_required':
      return outboxEntry(d.event, subject(order, d.to, d.factMoney, source), at, { reason: given(d.reason), resultDesc: s.resultDesc, succTime: s.succTime || null });
    case 'baofoo.payment.succeeded':
      return outboxEntry(d.event, subject(order, d.to, d.factMoney, source), at, {
        resultDesc: s.resultDesc,
        succTime: s.succTime || null,
        late: d.late,
        partial: (d.shortfall ?? 0) > 0,
        shortfall: d.shortfall ?? 0,
        reason: d.reason,
      });
    default:
      return outboxEntry(d.event, subject(order, d.to, d.factMoney, source), at, { resultDesc: s.resultDesc, succTime: s.succTime || null, reason: d.reason });
  }
}

function infoMismatchEvent(order: OrderRow, d: Decision, at: Date): OutboxEntry[] {
  const m = d.additionalInfoMismatch;
  if (!m) return [];
  const status = d.kind === 'transition' ? d.to : order.status;
  const action = d.kind === 'none' ? 'unchanged' : d.to === 'REVIEW' && d.reasonCode === 'ADDITIONAL_INFO_MISMATCH' ? 'review' : 'settled';
  return [
    outboxEntry('baofoo.notification.additional_info_mismatch', subject(order, status, d.kind === 'transition' ? d.factMoney : order.factMoney, 'notification'), at, {
      reason: 'the echoed AdditionalInfo differs from the one sent with the order',
      storedAdditionalInfo: m.stored,
      receivedAdditionalInfo: m.received,
      action,
    }),
  ];
}

/** The events of a transition: its own, and the AdditionalInfo flag when raised. */
export function transitionEvents(order: OrderRow, d: Transition, s: Settlement, at: Date): OutboxEntry[] {
  return [transitionEvent(order, d, s, at), ...infoMismatchEvent(order, d, at)];
}

/** The events of news that changed nothing: an anomaly when it contradicts the order, and the AdditionalInfo flag. */
export function noChangeEvents(order: OrderRow, d: NoChange, s: Settlement, at: Date): OutboxEntry[] {
  const anomaly = d.event
    ? [
        outboxEntry(d.event, subject(order, order.status, 'paidMoney' in s.news ? s.news.paidMoney : null, sourceOf(s)), at, {
          resultDesc: s.resultDesc,
          succTime: s.succTime || null,
          reason: d.reason,
        }),
      ]
    : [];
  return [...anomaly, ...infoMismatchEvent(order, d, at)];
}
