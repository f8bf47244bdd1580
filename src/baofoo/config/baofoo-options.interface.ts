import type { BaofooCharset } from '../protocol/charset.ts';

/** Which gateway the module talks to; it picks both the payment and the query host. */
export type BaofooEnvironment = 'sandbox' | 'test' | 'production';

/** One signing key of a merchant. */
export interface BaofooKeyOptions {
  /** A name for the key, recorded with every verified notification (never the key itself). */
  id: string;
  /** The MD5 key as agreed with the gateway. Resolve it from the environment, a file or an encrypted value with `resolveKeySecret`. */
  secret: string;
  /**
   * When a previous key stops being accepted for incoming notifications and
   * answers (ISO time). The first key without one signs outgoing requests.
   */
  retiresAt?: string | Date;
}

/** A merchant account at the gateway. */
export interface BaofooMerchantOptions {
  /** MemberID (商户号). */
  memberId: string;
  /** TerminalID (终端号). */
  terminalId: string;
  /** The key ring: the current key first, then previous keys with a retirement time. */
  keys: BaofooKeyOptions[];
}

/** Where the gateway's server-to-server notifications arrive, and who may send them. */
export interface BaofooNotificationOptions {
  /** Route of the notification endpoint (ReturnUrl), e.g. `/baofoo/notify/7f3a…`: a secret segment keeps it unguessable. */
  path?: string;
  /** Route the shopper's browser returns to (PageUrl). Must differ from `path`. */
  pagePath?: string;
  /** Public base URL of this app, used to build PageUrl and ReturnUrl, e.g. `https://shop.example.com`. */
  publicBaseUrl?: string;
  /** IPs and CIDRs the gateway notifies from. Required in production. */
  allowedIps?: string[];
  /** Proxies (IPs/CIDRs) whose X-Forwarded-For is believed, nearest first. */
  trustedProxies?: string[];
  /** Largest accepted notification body, in bytes. Default 8 KiB. */
  maxBodyBytes?: number;
  /** Most accepted parameters in one notification. Default 32. */
  maxParameters?: number;
  /** Where the page-return route redirects the shopper (the order's TransID and state are appended); a friendly page is shown when absent. */
  pageRedirectUrl?: string;
}

/** The order-query reconciliation of orders whose notification never came. */
export interface BaofooReconciliationOptions {
  /** Cron expression of the reconciliation tick. Default every 30 seconds. */
  cron?: string;
  /** Turn the cron tick off (runOnce/reconcile still work). */
  enabled?: boolean;
  /** Orders claimed per tick. Default 50. */
  batchSize?: number;
  /** Queries in flight at once. Default 4. */
  concurrency?: number;
  /** First query this long after the order was created, in seconds. Default 60. */
  firstQueryAfterSeconds?: number;
  /** An order the gateway does not know (N) is not expired before this age, in seconds. Default 1800. */
  graceSeconds?: number;
  /** Age after which a pending order is given up (EXPIRED on N, REVIEW on P), in seconds. Default 86400. */
  maxAgeSeconds?: number;
  /** Query timeout in milliseconds. Default 10000. */
  queryTimeoutMs?: number;
}

/** Delivery of committed events to the app's listeners. */
export interface BaofooOutboxOptions {
  /** Polling interval of the relay when no wake-up arrives, in milliseconds. Default 1000. */
  pollIntervalMs?: number;
  /** Attempts per listener before its delivery is dead-lettered. Default 8. */
  maxAttempts?: number;
  /** Turn the relay off in this process. */
  enabled?: boolean;
}

/**
 * The module's own connection pool. It connects like the app's DataSource
 * (same server, credentials, ssl) but keeps its own short timeouts, which
 * apply only to the module's statements, never to the app's other queries.
 */
export interface BaofooDatabaseOptions {
  /** Connections in the module's pool. Default 10. */
  poolSize?: number;
  /** Server-side cap on one statement of the module (`statement_timeout`), in ms. Default 1500. */
  statementTimeoutMs?: number;
  /** Longest wait for a connection (a pooled one or a new one), in ms. Default 1000. */
  connectTimeoutMs?: number;
  /**
   * One statement, waiting for its connection included, gives up on the
   * client side after this long, in ms, and its connection is destroyed; the
   * statements of one notification share this budget. A frozen database
   * still gets the gateway a "not OK" (which it retries) within 3 s, with
   * a second left for the HTTP round trip on a busy machine. Default 2000.
   */
  answerWithinMs?: number;
}

/** Options of `BaofooModule.forRoot` / `forRootAsync`. */
export interface BaofooModuleOptions {
  /** `sandbox` (a local gateway at `sandboxUrl`), `test` (vgw.baofoo.com) or `production` (gw.baofoo.com). */
  environment: BaofooEnvironment;
  /** Base URL of the sandbox gateway, e.g. `http://127.0.0.1:3100`. Required for `sandbox`. */
  sandboxUrl?: string;
  /** One or more merchant accounts; notifications are routed by MemberID + TerminalID. */
  merchants: BaofooMerchantOptions[];
  /** Character set of the MD5 input and form values. Default `utf-8`. */
  charset?: BaofooCharset;
  /** IANA zone of TradeDate and SuccTime. Default `Asia/Shanghai`. */
  timeZone?: string;
  /** Host names PageUrl and ReturnUrl must be on (the gateway's domain binding). Empty allows any (not in production). */
  boundDomains?: string[];
  notification?: BaofooNotificationOptions;
  reconciliation?: BaofooReconciliationOptions;
  outbox?: BaofooOutboxOptions;
  database?: BaofooDatabaseOptions;
}
