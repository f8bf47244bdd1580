import type { PaymentResultFields } from '../protocol/notification.ts';

/** A notification as it reached the endpoint, before or after checks. */
export interface InboundRequest {
  method: string;
  sourceIp: string;
  /** Body (POST) or query string (GET), cut to the configured limit. */
  rawBody: string;
  /** Every parameter received, when parseable. */
  params: Record<string, string> | null;
}

/** A notification whose signature verified with a key of a configured merchant. */
export interface VerifiedNotification extends InboundRequest {
  fields: PaymentResultFields;
  extras: Record<string, string>;
  keyId: string;
}

/** The answer to give the gateway: only `OK` stops its retries. */
export interface NotificationAnswer {
  status: number;
  body: string;
}
