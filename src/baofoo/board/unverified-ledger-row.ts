import { OPERATOR_METHOD } from '../operations/review-resolution.ts';
import { QUERY_METHOD } from '../reconciliation/query-records.ts';

/**
 * Whether a ledger row is a notification nobody proved came from the gateway:
 * refused before any configured key verified its signature (no key id). Anyone
 * can send one naming a real TransID (the refusal sampler keeps a few per
 * source and minute), so the board must not show it as the gateway's word.
 */
export function isUnverifiedNotification(row: Record<string, unknown>): boolean {
  return row.verdict === 'rejected' && !row.keyId && row.method !== QUERY_METHOD && row.method !== OPERATOR_METHOD;
}
