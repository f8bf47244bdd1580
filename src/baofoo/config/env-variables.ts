/** How a variable's text becomes an option value. */
export type EnvKind = 'text' | 'int' | 'number' | 'bool' | 'list' | 'autoOrBool';

/** The spellings a boolean variable accepts (any case); anything else stops the boot, naming the variable. */
export const TRUE_WORDS = ['true', '1', 'yes', 'on'] as const;
export const FALSE_WORDS = ['false', '0', 'no', 'off'] as const;
export const BOOLEAN_SPELLINGS = `${TRUE_WORDS.join('/')} or ${FALSE_WORDS.join('/')}`;

/**
 * Every BAOFOO_* variable that feeds one module option, with that option's
 * path: the one table the env reader maps from, and that messages and typo
 * hints name variables from.
 */
export const OPTION_VARIABLES: readonly (readonly [name: string, path: string, kind: EnvKind])[] = [
  ['BAOFOO_ENV', 'environment', 'text'],
  ['BAOFOO_SANDBOX_URL', 'sandboxUrl', 'text'],
  ['BAOFOO_ALLOW_SANDBOX_IN_PRODUCTION', 'allowSandboxInProduction', 'bool'],
  ['BAOFOO_KEY_FILE_IS_MOUNTED_SECRET', 'keyFileIsMountedSecret', 'bool'],
  ['BAOFOO_CHARSET', 'charset', 'text'],
  ['BAOFOO_TIME_ZONE', 'timeZone', 'text'],
  ['BAOFOO_BOUND_DOMAINS', 'boundDomains', 'list'],
  ['BAOFOO_NOTIFY_PATH', 'notification.path', 'text'],
  ['BAOFOO_PAGE_PATH', 'notification.pagePath', 'text'],
  ['BAOFOO_PUBLIC_BASE_URL', 'notification.publicBaseUrl', 'text'],
  ['BAOFOO_ALLOWED_IPS', 'notification.allowedIps', 'list'],
  ['BAOFOO_TRUSTED_PROXIES', 'notification.trustedProxies', 'list'],
  ['BAOFOO_MAX_BODY_BYTES', 'notification.maxBodyBytes', 'int'],
  ['BAOFOO_MAX_PARAMETERS', 'notification.maxParameters', 'int'],
  ['BAOFOO_READ_TIMEOUT_MS', 'notification.readTimeoutMs', 'int'],
  ['BAOFOO_PAGE_REDIRECT_URL', 'notification.pageRedirectUrl', 'text'],
  ['BAOFOO_ADDITIONAL_INFO_MISMATCH', 'notification.additionalInfoMismatch', 'text'],
  ['BAOFOO_REFUSAL_WINDOW_SECONDS', 'notification.refusals.windowSeconds', 'int'],
  ['BAOFOO_REFUSAL_SAMPLES_PER_SOURCE', 'notification.refusals.samplesPerSource', 'int'],
  ['BAOFOO_REFUSAL_MAX_SOURCES', 'notification.refusals.maxSources', 'int'],
  ['BAOFOO_REFUSAL_MAX_PENDING_SAMPLES', 'notification.refusals.maxPendingSamples', 'int'],
  ['BAOFOO_REFUSAL_FLUSH_MS', 'notification.refusals.flushIntervalMs', 'int'],
  ['BAOFOO_RECONCILE_CRON', 'reconciliation.cron', 'text'],
  ['BAOFOO_RECONCILE_ENABLED', 'reconciliation.enabled', 'bool'],
  ['BAOFOO_RECONCILE_BATCH_SIZE', 'reconciliation.batchSize', 'int'],
  ['BAOFOO_RECONCILE_CONCURRENCY', 'reconciliation.concurrency', 'int'],
  ['BAOFOO_RECONCILE_FIRST_QUERY_AFTER_SECONDS', 'reconciliation.firstQueryAfterSeconds', 'int'],
  ['BAOFOO_RECONCILE_GRACE_SECONDS', 'reconciliation.graceSeconds', 'int'],
  ['BAOFOO_RECONCILE_MAX_AGE_SECONDS', 'reconciliation.maxAgeSeconds', 'int'],
  ['BAOFOO_QUERY_TIMEOUT_MS', 'reconciliation.queryTimeoutMs', 'int'],
  ['BAOFOO_RECONCILE_MAX_QUERIES_PER_MINUTE', 'reconciliation.maxQueriesPerMinute', 'int'],
  ['BAOFOO_OUTBOX_POLL_MS', 'outbox.pollIntervalMs', 'int'],
  ['BAOFOO_OUTBOX_MAX_ATTEMPTS', 'outbox.delivery.attempts', 'int'],
  ['BAOFOO_OUTBOX_LISTENER_TIMEOUT_MS', 'outbox.delivery.timeoutMs', 'int'],
  ['BAOFOO_OUTBOX_BACKOFF_BASE_MS', 'outbox.delivery.backoff.baseMs', 'int'],
  ['BAOFOO_OUTBOX_BACKOFF_FACTOR', 'outbox.delivery.backoff.factor', 'number'],
  ['BAOFOO_OUTBOX_BACKOFF_MAX_MS', 'outbox.delivery.backoff.maxMs', 'int'],
  ['BAOFOO_OUTBOX_BACKOFF_JITTER', 'outbox.delivery.backoff.jitter', 'number'],
  ['BAOFOO_OUTBOX_ENABLED', 'outbox.enabled', 'bool'],
  ['BAOFOO_DB_POOL_SIZE', 'database.poolSize', 'int'],
  ['BAOFOO_DB_POOL_MIN', 'database.poolMin', 'int'],
  ['BAOFOO_DB_IDLE_TIMEOUT_MS', 'database.idleTimeoutMs', 'int'],
  ['BAOFOO_DB_STATEMENT_TIMEOUT_MS', 'database.statementTimeoutMs', 'int'],
  ['BAOFOO_DB_CONNECT_TIMEOUT_MS', 'database.connectTimeoutMs', 'int'],
  ['BAOFOO_DB_ANSWER_WITHIN_MS', 'database.answerWithinMs', 'int'],
  ['BAOFOO_DB_TOPOLOGY', 'database.topology', 'text'],
  ['BAOFOO_DB_PREPARED_STATEMENTS', 'database.preparedStatements', 'autoOrBool'],
  ['BAOFOO_DB_LISTEN_URL', 'database.listenUrl', 'text'],
];

/**
 * The variables of the merchant and its keys (BAOFOO_MERCHANTS replaces the
 * single-merchant ones), with the option path each feeds; BAOFOO_MASTER_KEY
 * opens encrypted keys and feeds no option of its own.
 */
export const MERCHANT_VARIABLES: readonly (readonly [name: string, path: string | null])[] = [
  ['BAOFOO_MERCHANTS', 'merchants'],
  ['BAOFOO_MEMBER_ID', 'merchants.0.memberId'],
  ['BAOFOO_TERMINAL_ID', 'merchants.0.terminalId'],
  ['BAOFOO_KEY_ID', 'merchants.0.keys.0.id'],
  ['BAOFOO_KEY_ENCRYPTED', 'merchants.0.keys.0.secret'],
  ['BAOFOO_KEY', 'merchants.0.keys.0.secret'],
  ['BAOFOO_KEY_FILE', 'merchants.0.keys.0.secret'],
  ['BAOFOO_PREVIOUS_KEY_ID', 'merchants.0.keys.1.id'],
  ['BAOFOO_PREVIOUS_KEY_ENCRYPTED', 'merchants.0.keys.1.secret'],
  ['BAOFOO_PREVIOUS_KEY', 'merchants.0.keys.1.secret'],
  ['BAOFOO_PREVIOUS_KEY_RETIRES_AT', 'merchants.0.keys.1.retiresAt'],
  ['BAOFOO_MASTER_KEY', null],
];

/** Every BAOFOO_* variable the module reads. */
export const KNOWN_VARIABLES: readonly string[] = [...OPTION_VARIABLES.map(([name]) => name), ...MERCHANT_VARIABLES.map(([name]) => name)];

/** The variable that sets an option path (the first one listed, for a key: the encrypted one production wants). */
export function variableOfPath(path: string): string | undefined {
  return OPTION_VARIABLES.find(([, p]) => p === path)?.[0] ?? MERCHANT_VARIABLES.find(([, p]) => p === path)?.[0];
}

/**
 * A variable's text as its kind reads it; empty is unset. Text a number or a
 * boolean cannot be read as is passed on as it is, so validation refuses it
 * under the variable's name instead of reading `ture` as false or `abc` as NaN.
 */
export function readVariable(kind: EnvKind, text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  const word = text.trim().toLowerCase();
  switch (kind) {
    case 'text':
      return text;
    case 'list':
      return text.split(',').map((s) => s.trim()).filter(Boolean);
    case 'int':
      return /^-?[0-9]+$/.test(text.trim()) ? Number(text.trim()) : text;
    case 'number':
      return /^-?[0-9]+(\.[0-9]+)?$/.test(text.trim()) ? Number(text.trim()) : text;
    case 'bool':
      return (TRUE_WORDS as readonly string[]).includes(word) ? true : (FALSE_WORDS as readonly string[]).includes(word) ? false : text;
    case 'autoOrBool':
      return word === 'auto' ? 'auto' : readVariable('bool', text);
  }
}
