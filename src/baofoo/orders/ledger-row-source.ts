import { OPERATOR_METHOD } from '../operations/review-resolution.ts';
import { QUERY_METHOD } from '../reconciliation/query-records.ts';

/** Who a ledger row's news came from: a notification sent to the module, an order query it made, or an operator. */
export type LedgerSource = 'notification' | 'query' | 'operator';

/** The columns that tell where a ledger row came from and whether anyone proved it. */
export interface LedgerRowOrigin {
  method: string;
  verdict: string;
  keyId: string | null;
}

export function ledgerSource(row: Pick<LedgerRowOrigin, 'method'>): LedgerSource {
  return row.method === QUERY_METHOD ? 'query' : row.method === OPERATOR_METHOD ? 'operator' : 'notification';
}

/** A notification whose signature a configured key verified (its id is on record); query answers and operator rows are not signed notifications. */
export function isSignatureVerified(row: LedgerRowOrigin): boolean {
  return ledgerSource(row) === 'notification' && !!row.keyId;
}

/**
 * Whether a ledger row is a notification nobody proved came from the gateway:
 * refused before any configured key verified its signature (no key id). Anyone
 * can send one naming a real TransID (the refusal sampler keeps a few per
 * source and minute), so it must never be shown as the gateway's word.
 */
export function isUnverifiedNotification(row: LedgerRowOrigin): boolean {
  return row.verdict === 'rejected' && ledgerSource(row) === 'notification' && !row.keyId;
}
