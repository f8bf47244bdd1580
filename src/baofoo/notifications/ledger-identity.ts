import type { OrderRow } from '../orders/payment-order.repository.ts';
import type { InboundRequest } from './inbound-notification.ts';
import type { LedgerEntry } from './ledger-entry.ts';

/** The first `max` characters as PostgreSQL's varchar counts them (code points: a UTF-16 cut could split a pair, which jsonb refuses). */
export function cut(text: string | undefined, max = 64): string | null {
  if (text === undefined) return null;
  return text.length <= max ? text : Array.from(text).slice(0, max).join('');
}

/** Who sent what, as the ledger columns can hold it. */
export function ledgerIdentity(req: InboundRequest, order?: OrderRow): Pick<LedgerEntry, 'orderId' | 'memberId' | 'terminalId' | 'transId' | 'sourceIp' | 'method' | 'fields' | 'rawBody'> {
  const p = req.params ?? {};
  return {
    orderId: order?.id ?? null,
    memberId: cut(p.MemberID),
    terminalId: cut(p.TerminalID),
    transId: cut(p.TransID),
    sourceIp: cut(req.sourceIp) ?? '',
    // Any token is a method to Node's parser; the ledger keeps 8 characters, and a longer one must not fail the write.
    method: cut(req.method, 8) ?? '',
    fields: req.params,
    rawBody: req.rawBody,
  };
}
