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
  /**
   * How the key is kept at rest. Production requires `encrypted` (spec
   * §3.3.2: decrypted at boot from an AES-256-GCM value or by your vault), or
   * `file` together with `keyFileIsMountedSecret`. Unset means plain text.
   * The env mapping (`baofooConfig`) fills it in.
   */
  storage?: BaofooKeyStorage;
  /** Set by the env mapping when BAOFOO_MASTER_KEY came from the same env file as this key's ciphertext (refused in production). */
  masterKeyBeside?: boolean;
}

/** Where a key was read from: an encrypted value, a file, or plain text. */
export type BaofooKeyStorage = 'encrypted' | 'file' | 'plain';

/** A merchant account at the gateway. */
export interface BaofooMerchantOptions {
  /** MemberID (商户号). */
  memberId: string;
  /** TerminalID (终端号). */
  terminalId: string;
  /** The key ring: the current key first, then previous keys with a retirement time. */
  keys: BaofooKeyOptions[];
}

/**
 * Requests refused before a signature verified (IP, unreadable, malformed,
 * unknown merchant, bad signature) are counted, not written one by one: per
 * window, one `baofoo_refusal_counts` row per source and reason, plus the
 * first few of each source kept whole in the ledger as samples. No event is
 * raised for them. Memory and rows stay bounded whatever an outsider sends.
 */
export interface BaofooRefusalOptions {
  /** Length of a counting window, in seconds. Default 60. */
  windowSeconds?: number;
  /** Refusals per source and window kept whole in the ledger (verdict `rejected`). Default 5. */
  samplesPerSource?: number;
  /** Sources counted one by one per window; refusals from further sources share the source `*`. Default 1000. */
  maxSources?: number;
  /** Samples held between two flushes, whatever the number of sources. Default 100. */
  maxPendingSamples?: number;
  /** How often the counts are written, in milliseconds. Default 5000. */
  flushIntervalMs?: number;
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
  /**
   * How long a notification's body may take to arrive, in milliseconds, from
   * the moment its headers are in; a slower sender is answered 408 and
   * disconnected instead of being held for Node's 300 s. Default 10000.
   */
  readTimeoutMs?: number;
  /**
   * Metadata set on the module's two controllers, as `[key, value]` pairs, for
   * app-wide guards and interceptors that read it, e.g. the `@Public()` pattern:
   * `routeMetadata: [[IS_PUBLIC_KEY, true]]` lets the gateway through an
   * app-wide auth guard (the module's own IP and signature guards still run).
   */
  routeMetadata?: ReadonlyArray<readonly [key: string | symbol, value: unknown]>;
  /** Where the page-return route redirects the shopper (the order's TransID and state are appended); a friendly page is shown when absent. */
  pageRedirectUrl?: string;
  /**
   * What a successful notification does when its echoed AdditionalInfo differs
   * from the one sent with the order. The payment request's signature does not
   * cover AdditionalInfo (spec §2), so a difference means the shopper, or
   * something between them and the gateway, changed it; either way the
   * difference is written to the ledger (`ADDITIONAL_INFO_MISMATCH`, every copy)
   * and raised as `baofoo.notification.additional_info_mismatch` (once per order).
   * - `'review'` (default): the money is recorded and the order goes to REVIEW
   *   for a person. Safe because nothing ships on evidence of tampering, and
   *   nothing is lost: the amount is kept and the order can still be resolved
   *   to PAID, whereas goods shipped on a tampered order cannot be recalled.
   * - `'settle'`: the order is PAID as usual and only flagged; for shops that
   *   never use AdditionalInfo (the module itself only ever uses the stored value).
   */
  additionalInfoMismatch?: 'review' | 'settle';
  /** Counting of unverified requests (see `BaofooRefusalOptions`). */
  refusals?: BaofooRefusalOptions;
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
  /**
   * Most order queries per merchant (MemberID) in one clock minute, across
   * every instance (counted in PostgreSQL): the gateway "does not accept
   * frequent queries" (spec §3.2.1), so a backlog after an outage drains at
   * this rate instead of in a burst. Default 30.
   */
  maxQueriesPerMinute?: number;
}

/** The wait before retry n of a failed listener: `baseMs × factor^(n-1)`, at most `maxMs`, spread by ±`jitter`. */
export interface BaofooBackoffOptions {
  /** Wait after the first failed attempt, in ms. Default 1000. */
  baseMs?: number;
  /** Growth per further failure (1: always `baseMs`). Default 3. */
  factor?: number;
  /** Longest wait, in ms. Default 900000 (15 min). */
  maxMs?: number;
  /** Relative spread 0–1, so listeners that failed together do not retry together. Default 0.2. */
  jitter?: number;
}

/**
 * How the relay delivers to a listener: in the module options
 * (`outbox.delivery`, the defaults of every listener) or given to
 * `@OnBaofooEvent` (one listener's, over those defaults). A part left out
 * keeps the default, down to one field of the backoff.
 */
export interface BaofooDeliveryOptions {
  /** Attempts before the delivery is dead-lettered, 1–100. Default 8. */
  attempts?: number;
  backoff?: BaofooBackoffOptions;
  /** Longest a listener call may run before it counts as a failed attempt, in ms. Default 30000. */
  timeoutMs?: number;
}

/** Delivery of committed events to the app's listeners. */
export interface BaofooOutboxOptions {
  /** Polling interval of the relay when no wake-up arrives, in milliseconds. Default 1000. */
  pollIntervalMs?: number;
  /** Attempts, backoff and timeout of every listener that does not set its own. */
  delivery?: BaofooDeliveryOptions;
  /** @deprecated The former name of `delivery.attempts`; setting both is refused. */
  maxAttempts?: number;
  /** Turn the relay off in this process. */
  enabled?: boolean;
}

/**
 * The module's own connection pool. It connects like the app's DataSource
 * (same server, credentials, ssl) but keeps its own short timeouts, which
 * apply only to the module's statements, never to the app's other queries.
 * Its hot statements are named prepared statements (parsed once per
 * connection) wherever they work. Where the connections land (PostgreSQL,
 * or PgBouncer in session or transaction mode) is probed at boot and
 * decides how timeouts are sent, whether statements are named and where the
 * outbox relay LISTENs (docs/runbook.md, "Behind PgBouncer").
 */
export interface BaofooDatabaseOptions {
  /** Connections in the module's pool. Default 10. */
  poolSize?: number;
  /**
   * Connections the pool keeps open however long they sit idle (at most
   * `poolSize`): the first notifications after a quiet spell find them
   * warm instead of waiting ~20–100 ms for a new one. Default 2.
   */
  poolMin?: number;
  /** An idle connection beyond `poolMin` is closed after this long, in ms. Default 60000. */
  idleTimeoutMs?: number;
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
  /**
   * Group commit of settlements: notifications that pay a PENDING order and
   * arrive while others are being written share one statement, at most this
   * many per statement (each is answered OK only once that statement
   * committed; a lone notification takes a statement of its own, and a batch
   * that fails is retried one notification at a time). 1 turns it off.
   * Default 32.
   */
  settleBatchSize?: number;
  /**
   * Settling statements (batches or lone notifications) running at once;
   * notifications that arrive meanwhile wait for the next batch. Keep it
   * below `poolSize`: the rest of the pool serves the other statements.
   * Default 4.
   */
  settleBatchesInFlight?: number;
  /**
   * Where the connections land: `auto` (probed at boot, and logged),
   * `direct` (PostgreSQL), `session` or `transaction` (a pooler such as
   * PgBouncer in that `pool_mode`). A pooler in statement mode is refused at
   * boot. Default `auto`.
   */
  topology?: 'auto' | 'direct' | 'session' | 'transaction';
  /**
   * Named (prepared) statements: `auto` uses them directly, in session mode,
   * and in transaction mode when the probe saw them work (PgBouncer ≥ 1.21
   * with `max_prepared_statements` > 0). Default `auto`.
   */
  preparedStatements?: 'auto' | boolean;
  /**
   * A postgres:// URL to PostgreSQL directly (or through a session pool) on
   * which the outbox relay LISTENs for wake-ups, for when the module's
   * connections go through a transaction pooler, where LISTEN cannot work.
   * Parts it leaves out (password, ssl) are taken from the DataSource.
   * Without it, behind a transaction pooler the relay polls. Default none.
   */
  listenUrl?: string;
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
  /** Host names PageUrl and ReturnUrl must be on (the gateway's domain binding). Empty allows any; production refuses to boot without it. */
  boundDomains?: string[];
  /**
   * Acknowledges that key files (`storage: 'file'`, BAOFOO_KEY_FILE) are
   * secrets mounted by the platform (tmpfs, Kubernetes/Docker secrets), not keys
   * at rest on disk; production refuses unencrypted key files without it.
   * Env: BAOFOO_KEY_FILE_IS_MOUNTED_SECRET=true.
   */
  keyFileIsMountedSecret?: boolean;
  /**
   * Acknowledges an app running with NODE_ENV=production against the sandbox
   * or the test gateway (a staging server on a production build): boot
   * refuses that combination without it. Env: BAOFOO_ALLOW_SANDBOX_IN_PRODUCTION=true.
   */
  allowSandboxInProduction?: boolean;
  notification?: BaofooNotificationOptions;
  reconciliation?: BaofooReconciliationOptions;
  outbox?: BaofooOutboxOptions;
  database?: BaofooDatabaseOptions;
}
