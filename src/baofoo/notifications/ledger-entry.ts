import type { NotificationVerdict } from './notification-verdict.ts';

/** A ledger row to write (see NotificationLedgerEntity). */
export interface LedgerEntry {
  orderId: string | null;
  memberId: string | null;
  terminalId: string | null;
  transId: string | null;
  sourceIp: string;
  method: string;
  fields: Record<string, string> | null;
  rawBody: string;
  verdict: NotificationVerdict;
  reasonCode: string | null;
  reason: string | null;
  keyId: string | null;
  fromStatus: string | null;
  toStatus: string | null;
  httpStatus: number;
}
