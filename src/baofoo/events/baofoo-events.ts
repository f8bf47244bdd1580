import type { OrderStatus } from '../orders/order-status.ts';
import type { Fen } from '../protocol/money.ts';

/** Every event the module publishes, by its dotted name. */
export const BAOFOO_EVENT_NAMES = [
  'baofoo.payment.succeeded',
  'baofoo.payment.failed',
  'baofoo.payment.review_required',
  'baofoo.order.expired',
  'baofoo.payment.anomaly',
  'baofoo.reconciliation.mismatch',
  'baofoo.notification.rejected',
  'baofoo.notification.additional_info_mismatch',
  'baofoo.delivery.dead_lettered',
] as const;

export type BaofooEventName = (typeof BAOFOO_EVENT_NAMES)[number];

/** Where the news came from: a gateway notification, an order query, the expiry of a pending order, an operator resolving a REVIEW, or the module itself. */
export type BaofooEventSource = 'notification' | 'query' | 'expiry' | 'operator' | 'system';

/** Who resolved a REVIEW order by hand, and why (`ReviewResolutionService`). */
export interface OperatorResolution {
  by: string;
  why: string;
}

/**
 * What every event carries. Delivery is at least once: a listener can see the
 * same event again (after a crash, a retry of another attempt that timed out,
 * or an ops replay), so it dedupes on `eventId`, which never changes.
 */
export interface BaofooEventBase<K extends BaofooEventName = BaofooEventName> {
  /** Stable id (uuid) of this event: the key for listener-side idempotency. */
  eventId: string;
  type: K;
  /** When the change happened (ISO 8601), written with the change itself. */
  occurredAt: string;
  /** The order's database id, null when no order is involved (e.g. a rejected notification for an unknown order). */
  orderId: string | null;
  transId: string | null;
  memberId: string | null;
  terminalId: string | null;
  /** Amount ordered, fen. */
  orderMoney: Fen | null;
  /** Amount actually paid (FactMoney / succMoney), fen. */
  factMoney: Fen | null;
  /** The order's state after the change. */
  status: OrderStatus | null;
  /** The order's state before the change. */
  previousStatus: OrderStatus | null;
  source: BaofooEventSource;
}

/**
 * The order is PAID. `late` is true when it had been FAILED or EXPIRED: money received is never dropped.
 * `partial` is true when a prepaid card (PayID 1xx) paid less than the order (its face value): `factMoney`
 * is what arrived and `shortfall` the fen missing; decide before shipping.
 */
export interface PaymentSucceededEvent extends BaofooEventBase<'baofoo.payment.succeeded'> {
  resultDesc: string | null;
  succTime: string | null;
  late: boolean;
  partial: boolean;
  /** OrderMoney − FactMoney, fen: 0 for a full payment. */
  shortfall: Fen;
  /** Why the payment is special (partial, AdditionalInfo flagged), or null. */
  reason: string | null;
  /** Set when an operator resolved a REVIEW order to PAID. */
  resolvedBy?: OperatorResolution;
}

/** The order is FAILED; `resultDesc` is the gateway's code (protocol §5). */
export interface PaymentFailedEvent extends BaofooEventBase<'baofoo.payment.failed'> {
  resultDesc: string | null;
  succTime: string | null;
  /** Why, beyond the gateway's code (the money awaited in REVIEW never came, AdditionalInfo flagged), or null. */
  reason: string | null;
  /** Set when an operator resolved a REVIEW order to FAILED. */
  resolvedBy?: OperatorResolution;
}

/** Money arrived but does not match the order (or the gateway kept answering P): a person decides. */
export interface PaymentReviewRequiredEvent extends BaofooEventBase<'baofoo.payment.review_required'> {
  reason: string;
  resultDesc: string | null;
  succTime: string | null;
}

/** A pending order the gateway never settled was given up. */
export interface OrderExpiredEvent extends BaofooEventBase<'baofoo.order.expired'> {
  reason: string;
  /** The last order-query answer (Y/F/P/N), if any. */
  lastCheckResult: string | null;
}

/** A valid result that contradicts a settled order (e.g. a failure after PAID): nothing changed, someone should look. */
export interface PaymentAnomalyEvent extends BaofooEventBase<'baofoo.payment.anomaly'> {
  reason: string;
  resultDesc: string | null;
  succTime: string | null;
}

/** An order query disagrees with what a notification already settled. */
export interface ReconciliationMismatchEvent extends BaofooEventBase<'baofoo.reconciliation.mismatch'> {
  reason: string;
  checkResult: string;
  succMoney: Fen | null;
}

/** A notification was refused (signature, merchant, IP, malformed, unknown order). */
export interface NotificationRejectedEvent extends BaofooEventBase<'baofoo.notification.rejected'> {
  reason: string;
  reasonCode: string;
  sourceIp: string | null;
}

/**
 * A notification echoed an AdditionalInfo other than the one sent with the
 * order: the payment request's signature does not cover it, so the shopper
 * changed it (or something on the way did). The stored value stays the
 * order's; `action` says what the notification did to the order under the
 * `notification.additionalInfoMismatch` option. Raised once per order: the
 * gateway's resends (and a later result echoing a difference) are recorded in
 * the ledger only.
 */
export interface AdditionalInfoMismatchEvent extends BaofooEventBase<'baofoo.notification.additional_info_mismatch'> {
  reason: string;
  storedAdditionalInfo: string;
  receivedAdditionalInfo: string;
  action: 'review' | 'settled' | 'unchanged';
}

/** A listener gave up on an event after the configured attempts; replay it with `OutboxAdminService.replayDeadLetters`. */
export interface DeliveryDeadLetteredEvent extends BaofooEventBase<'baofoo.delivery.dead_lettered'> {
  deadLetter: {
    eventId: string;
    type: string;
    listener: string;
    attempts: number;
    lastError: string;
  };
}

/** The typed event map: `BaofooEventMap['baofoo.payment.succeeded']` is the payload of that event. */
export interface BaofooEventMap {
  'baofoo.payment.succeeded': PaymentSucceededEvent;
  'baofoo.payment.failed': PaymentFailedEvent;
  'baofoo.payment.review_required': PaymentReviewRequiredEvent;
  'baofoo.order.expired': OrderExpiredEvent;
  'baofoo.payment.anomaly': PaymentAnomalyEvent;
  'baofoo.reconciliation.mismatch': ReconciliationMismatchEvent;
  'baofoo.notification.rejected': NotificationRejectedEvent;
  'baofoo.notification.additional_info_mismatch': AdditionalInfoMismatchEvent;
  'baofoo.delivery.dead_lettered': DeliveryDeadLetteredEvent;
}

/** Any event of the map. */
export type BaofooEvent = BaofooEventMap[BaofooEventName];

/** The exchange the RabbitMQ bridge publishes to by default (durable, topic, routing key = the event's name): the wire contract's one spelling. */
export const BAOFOO_EVENTS_EXCHANGE = 'baofoo.events';
