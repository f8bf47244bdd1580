import { readFen } from '../database/bigint-money.transformer.ts';
import { isSignatureVerified, isUnverifiedNotification, ledgerSource, type LedgerSource } from '../orders/ledger-row-source.ts';
import type { OrderLedger, StoredLedgerRow, StoredOrder } from '../orders/order-story.reader.ts';
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
export interface PaymentOrderLedgerEntry extends Omit<StoredLedgerRow, 'id' | 'orderId'> {
  source: LedgerSource;
  /** A configured key verified the notification's signature (`keyId` names it). */
  signatureVerified: boolean;
  /**
   * A notification refused before any key verified it: anyone could have sent
   * it, naming a real TransID. Never take it as the gateway's word.
   */
  unverified: boolean;
}

/** An order found by TransID, with its ledger story in time order. Money in integer fen. */
export interface PaymentOrderView extends Omit<StoredOrder, 'id' | 'orderMoney' | 'factMoney' | 'succTime'> {
  orderMoney: Fen;
  /** What was paid (FactMoney / succMoney), once known. */
  factMoney: Fen | null;
  succTime: GatewayTime | null;
  /**
   * The ledger rows of the TransID, oldest first: at most the newest 500 (the
   * operator board's cap), so that a flood of refused notifications naming the
   * TransID cannot make the answer unbounded.
   */
  ledger: PaymentOrderLedgerEntry[];
  /**
   * True when the TransID has more ledger rows than `ledger` holds: the
   * oldest were left out (typically after a flood of refusals naming it).
   * The order's own fields (status, amounts, who settled it) are complete either way.
   */
  ledgerTruncated: boolean;
}

function ledgerEntry({ id: _id, orderId: _orderId, ...row }: StoredLedgerRow): PaymentOrderLedgerEntry {
  return { ...row, source: ledgerSource(row), signatureVerified: isSignatureVerified(row), unverified: isUnverifiedNotification(row) };
}

/** An order and its ledger as `PaymentOrders` answers them; SuccTime read in `timeZone`. */
export function paymentOrderView({ order, ledger, ledgerTruncated }: OrderLedger, timeZone: string): PaymentOrderView {
  const { id: _id, orderMoney, factMoney, succTime, ...rest } = order;
  return {
    ...rest,
    orderMoney: readFen(orderMoney)!,
    factMoney: readFen(factMoney),
    succTime: succTime === null ? null : { text: succTime, timeZone, iso: isTradeTime(succTime) ? tradeTimeIso(succTime, timeZone) : null },
    ledger: ledger.map(ledgerEntry),
    ledgerTruncated,
  };
}
