import { readFen } from '../database/bigint-money.transformer.ts';
import type { NotificationVerdict } from '../notifications/notification-verdict.ts';
import { isSignatureVerified, isUnverifiedNotification, ledgerSource, type LedgerSource } from '../orders/ledger-row-source.ts';
import type { OrderStatus, SettlementSource } from '../orders/order-status.ts';
import type { OrderLedger, StoredLedgerRow } from '../orders/order-story.reader.ts';
import type { Fen } from '../protocol/money.ts';
import { isTradeTime, tradeTimeIso } from '../protocol/trade-time.ts';

/** A time the gateway sent (SuccTime): its text as sent, the zone it is in, and the same time in ISO 8601 with the offset. */
export interface GatewayTime {
  /** `yyyyMMddHHmmss` as the gateway sent it. */
  text: string;
  /** The zone of the text: the protocol's, `timeZone` of the module options (Asia/Shanghai by default). */
  timeZone: string;
  /** e.g. `2026-11-25T12:00:00+08:00`; null when the text is not a valid time. */
  iso: string | null;
}

/** One row of an order's ledger: a notification, an order-query answer or an operator's resolution. */
export interface PaymentOrderLedgerEntry {
  receivedAt: Date;
  source: LedgerSource;
  /** The HTTP method of a notification; `QUERY` or `OPERATOR` for the others. */
  method: string;
  sourceIp: string;
  verdict: NotificationVerdict;
  reasonCode: string | null;
  reason: string | null;
  fromStatus: OrderStatus | null;
  toStatus: OrderStatus | null;
  /** What the module answered a notification (0 for rows that were not answers). */
  httpStatus: number;
  /** A configured key verified the notification's signature (`keyId` names it). */
  signatureVerified: boolean;
  keyId: string | null;
  /**
   * A notification refused before any key verified it: anyone could have sent
   * it, naming a real TransID. Never take it as the gateway's word.
   */
  unverified: boolean;
  /** The fields as received or asked. */
  fields: Record<string, string> | null;
  /** Read from the monthly archive table (housekeeping moved it there). */
  archived: boolean;
}

/** An order found by TransID, with its whole ledger story in time order. Money in integer fen. */
export interface PaymentOrderView {
  transId: string;
  memberId: string;
  terminalId: string;
  payId: string;
  productName: string;
  status: OrderStatus;
  /** Bumped by every state change. */
  version: number;
  orderMoney: Fen;
  /** What was paid (FactMoney / succMoney), once known. */
  factMoney: Fen | null;
  resultDesc: string | null;
  succTime: GatewayTime | null;
  /** Whose news settled it. */
  settledBy: SettlementSource | null;
  createdAt: Date;
  settledAt: Date | null;
  updatedAt: Date;
  reviewReason: string | null;
  nextQueryAt: Date | null;
  queryAttempts: number;
  lastCheckResult: string | null;
  ledger: PaymentOrderLedgerEntry[];
}

function ledgerEntry(l: StoredLedgerRow): PaymentOrderLedgerEntry {
  return {
    receivedAt: l.receivedAt,
    source: ledgerSource(l),
    method: l.method,
    sourceIp: l.sourceIp,
    verdict: l.verdict,
    reasonCode: l.reasonCode,
    reason: l.reason,
    fromStatus: l.fromStatus,
    toStatus: l.toStatus,
    httpStatus: l.httpStatus,
    signatureVerified: isSignatureVerified(l),
    keyId: l.keyId,
    unverified: isUnverifiedNotification(l),
    fields: l.fields,
    archived: l.archived,
  };
}

/** An order and its ledger as `PaymentOrders` answers them; SuccTime read in `timeZone`. */
export function paymentOrderView({ order: o, ledger }: OrderLedger, timeZone: string): PaymentOrderView {
  return {
    transId: o.transId,
    memberId: o.memberId,
    terminalId: o.terminalId,
    payId: o.payId,
    productName: o.productName,
    status: o.status,
    version: o.version,
    orderMoney: readFen(o.orderMoney)!,
    factMoney: readFen(o.factMoney),
    resultDesc: o.resultDesc,
    succTime: o.succTime === null ? null : { text: o.succTime, timeZone, iso: isTradeTime(o.succTime) ? tradeTimeIso(o.succTime, timeZone) : null },
    settledBy: o.settledBy,
    createdAt: o.createdAt,
    settledAt: o.settledAt,
    updatedAt: o.updatedAt,
    reviewReason: o.reviewReason,
    nextQueryAt: o.nextQueryAt,
    queryAttempts: o.queryAttempts,
    lastCheckResult: o.lastCheckResult,
    ledger: ledger.map(ledgerEntry),
  };
}
