import type { OrderRow } from '../orders/payment-order.repository.ts';
import type { InboundRequest } from './inbound-notification.ts';
import type { LedgerEntry } from './ledger-entry.ts';

/** The first `max` characters as PostgreSQL's varchar counts them (code points: a UTF-16 cut could split a pair, which jsonb refuses). */
export function cut(text: string | undefined, max = 64): string | null {
  if (text === undefined) return null;
  return text.length <= max ? text : Array.from(text).slice(0, max).join('');
}

/** The ledger's and the refusal counts' method columns hold this many characters; Node's parser takes any token as a method. */
export const METHOD_CHARACTERS = 8;

/** Who sent what, as the ledger columns can hold it. */
export function ledgerIdentity(req: InboundRequest, order?: OrderRow): Pick<LedgerEntry, 'orderId' | 'memberId' | 'terminalId' | 'transId' | 'sourceIp' | 'method' | 'fields' | 'rawBody'> {
  const p = req.params ?? {};
  return {
    orderId: order?.id ?? null,
    memberId: cut(p.MemberID),
    terminalId: cut(p.TerminalID),
    transId: cut(p.TransID),
    sourceIp: cut(req.sourceIp) ?? '',
    method: cut(req.method, METHOD_CHARACTERS) ?? '',
    fields: req.params,
    rawBody: req.rawBody,
  };
}
