import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { registerAs } from '@nestjs/config';
import type { TopologySetting } from '../database/database-topology.ts';
import type { BaofooCharset } from '../protocol/charset.ts';
import type { BaofooEnvironment, BaofooKeyOptions, BaofooMerchantOptions, BaofooModuleOptions, BaofooNotificationOptions } from './baofoo-options.interface.ts';
import { keyStorageOf, resolveKeySecret, type KeySource } from './key-source.ts';
import { BaofooConfigError } from './resolve-options.ts';

type Env = Readonly<Record<string, string | undefined>>;

const list = (text: string | undefined) => (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const int = (text: string | undefined) => (text === undefined || text === '' ? undefined : Number(text));
const bool = (text: string | undefined) => (text === undefined || text === '' ? undefined : /^(1|true|yes|on)$/i.test(text));
// Anything else is passed on as it is, so validation names the variable instead of reading it as false.
const autoOrBool = (text: string | undefined): 'auto' | boolean | undefined =>
  text === undefined || text === '' ? undefined : text === 'auto' ? 'auto' : /^(1|true|yes|on)$/i.test(text) ? true : /^(0|false|no|off)$/i.test(text) ? false : (text as never);

interface MerchantJson {
  memberId: string;
  terminalId: string;
  keys: { id: string; value?: string; file?: string; encrypted?: string; env?: string; retiresAt?: string }[];
}

const MERCHANTS_SHAPE = 'BAOFOO_MERCHANTS must be a JSON array like [{"memberId":"…","terminalId":"…","keys":[{"id":"current","env":"BAOFOO_KEY"}]}]';

// A raw SyntaxError would not say which of the many variables is broken, and
// its message quotes the text, which may hold a key: neither is passed on.
function parseMerchantsJson(text: string): MerchantJson[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BaofooConfigError([`BAOFOO_MERCHANTS is not valid JSON: ${MERCHANTS_SHAPE}`]);
  }
  if (!Array.isArray(parsed) || !parsed.every((m) => typeof m === 'object' && m !== null && Array.isArray((m as MerchantJson).keys))) {
    throw new BaofooConfigError([MERCHANTS_SHAPE]);
  }
  return parsed as MerchantJson[];
}

/**
 * A key from its source, noting how it is stored and whether the master key
 * sits in the same env file as the ciphertext (`cipherVariable`), which
 * production refuses: whoever reads the file could open the key.
 */
function keyFrom(env: Env, fromFiles: Env, source: KeySource, cipherVariable: string, label: string): Pick<BaofooKeyOptions, 'secret' | 'storage' | 'masterKeyBeside'> {
  const storage = keyStorageOf(source);
  const fromFile = (name: string) => fromFiles[name] !== undefined && fromFiles[name] !== '' && fromFiles[name] === env[name];
  const masterKeyBeside = storage === 'encrypted' && fromFile('BAOFOO_MASTER_KEY') && fromFile(cipherVariable);
  return { secret: resolveKeySecret(source, label), storage, ...(masterKeyBeside ? { masterKeyBeside } : {}) };
}

function merchantsFromEnv(env: Env, fromFiles: Env): BaofooMerchantOptions[] {
  const masterKey = env.BAOFOO_MASTER_KEY;
  if (env.BAOFOO_MERCHANTS) {
    const parsed = parseMerchantsJson(env.BAOFOO_MERCHANTS);
    return parsed.map((m) => ({
      memberId: String(m.memberId),
      terminalId: String(m.terminalId),
      keys: m.keys.map((k): BaofooKeyOptions => ({
        id: k.id,
        ...keyFrom(env, fromFiles, { value: k.env ? env[k.env] : k.value, file: k.file, encrypted: k.encrypted, masterKey }, 'BAOFOO_MERCHANTS', `key ${k.id} of merchant ${m.memberId}`),
        retiresAt: k.retiresAt,
      })),
    }));
  }
  if (!env.BAOFOO_MEMBER_ID && !env.BAOFOO_TERMINAL_ID) return [];
  const keys: BaofooKeyOptions[] = [
    {
      id: env.BAOFOO_KEY_ID || 'current',
      ...keyFrom(env, fromFiles, { value: env.BAOFOO_KEY, file: env.BAOFOO_KEY_FILE, encrypted: env.BAOFOO_KEY_ENCRYPTED, masterKey }, 'BAOFOO_KEY_ENCRYPTED', 'BAOFOO_KEY'),
    },
  ];
  if (env.BAOFOO_PREVIOUS_KEY || env.BAOFOO_PREVIOUS_KEY_ENCRYPTED) {
    // Without a date the old key would have to retire at once (losing notifications in flight) or never: say when.
    if (!env.BAOFOO_PREVIOUS_KEY_RETIRES_AT) {
      throw new BaofooConfigError([
        'BAOFOO_PREVIOUS_KEY is set without BAOFOO_PREVIOUS_KEY_RETIRES_AT: set when the previous key stops verifying notifications, e.g. BAOFOO_PREVIOUS_KEY_RETIRES_AT=2027-01-31T00:00:00+08:00, or remove the previous key',
      ]);
    }
    keys.push({
      id: env.BAOFOO_PREVIOUS_KEY_ID || 'previous',
      ...keyFrom(env, fromFiles, { value: env.BAOFOO_PREVIOUS_KEY, encrypted: env.BAOFOO_PREVIOUS_KEY_ENCRYPTED, masterKey }, 'BAOFOO_PREVIOUS_KEY_ENCRYPTED', 'BAOFOO_PREVIOUS_KEY'),
      retiresAt: env.BAOFOO_PREVIOUS_KEY_RETIRES_AT,
    });
  }
  return [{ memberId: env.BAOFOO_MEMBER_ID ?? '', terminalId: env.BAOFOO_TERMINAL_ID ?? '', keys }];
}

/**
 * Module options from environment variables (see config/*.env for every
 * variable). `fromFiles` holds the variables as the env files define them, to
 * tell a master key kept beside its ciphertext. Values are checked by
 * `resolveBaofooOptions` when the module boots.
 */
export function baofooOptionsFromEnv(env: Env, fromFiles: Env = {}): BaofooModuleOptions {
  return {
    environment: (env.BAOFOO_ENV ?? '') as BaofooEnvironment,
    sandboxUrl: env.BAOFOO_SANDBOX_URL || undefined,
    merchants: merchantsFromEnv(env, fromFiles),
    keyFileIsMountedSecret: bool(env.BAOFOO_KEY_FILE_IS_MOUNTED_SECRET),
    charset: (env.BAOFOO_CHARSET || undefined) as BaofooCharset | undefined,
    timeZone: env.BAOFOO_TIME_ZONE || undefined,
    boundDomains: list(env.BAOFOO_BOUND_DOMAINS),
    notification: {
      path: env.BAOFOO_NOTIFY_PATH || undefined,
      pagePath: env.BAOFOO_PAGE_PATH || undefined,
      publicBaseUrl: env.BAOFOO_PUBLIC_BASE_URL || undefined,
      allowedIps: list(env.BAOFOO_ALLOWED_IPS),
      trustedProxies: list(env.BAOFOO_TRUSTED_PROXIES),
      maxBodyBytes: int(env.BAOFOO_MAX_BODY_BYTES),
      maxParameters: int(env.BAOFOO_MAX_PARAMETERS),
      readTimeoutMs: int(env.BAOFOO_READ_TIMEOUT_MS),
      pageRedirectUrl: env.BAOFOO_PAGE_REDIRECT_URL || undefined,
      additionalInfoMismatch: (env.BAOFOO_ADDITIONAL_INFO_MISMATCH || undefined) as BaofooNotificationOptions['additionalInfoMismatch'],
      refusals: {
        windowSeconds: int(env.BAOFOO_REFUSAL_WINDOW_SECONDS),
        samplesPerSource: int(env.BAOFOO_REFUSAL_SAMPLES_PER_SOURCE),
        maxSources: int(env.BAOFOO_REFUSAL_MAX_SOURCES),
        maxPendingSamples: int(env.BAOFOO_REFUSAL_MAX_PENDING_SAMPLES),
        flushIntervalMs: int(env.BAOFOO_REFUSAL_FLUSH_MS),
      },
    },
    reconciliation: {
      cron: env.BAOFOO_RECONCILE_CRON || undefined,
      enabled: bool(env.BAOFOO_RECONCILE_ENABLED),
      batchSize: int(env.BAOFOO_RECONCILE_BATCH_SIZE),
      concurrency: int(env.BAOFOO_RECONCILE_CONCURRENCY),
      firstQueryAfterSeconds: int(env.BAOFOO_RECONCILE_FIRST_QUERY_AFTER_SECONDS),
      graceSeconds: int(env.BAOFOO_RECONCILE_GRACE_SECONDS),
      maxAgeSeconds: int(env.BAOFOO_RECONCILE_MAX_AGE_SECONDS),
      queryTimeoutMs: int(env.BAOFOO_QUERY_TIMEOUT_MS),
      maxQueriesPerMinute: int(env.BAOFOO_RECONCILE_MAX_QUERIES_PER_MINUTE),
    },
    outbox: {
      pollIntervalMs: int(env.BAOFOO_OUTBOX_POLL_MS),
      enabled: bool(env.BAOFOO_OUTBOX_ENABLED),
      delivery: {
        attempts: int(env.BAOFOO_OUTBOX_MAX_ATTEMPTS),
        timeoutMs: int(env.BAOFOO_OUTBOX_LISTENER_TIMEOUT_MS),
        // int() is Number(): a factor or jitter with decimals passes; validation refuses what is not a number.
        backoff: {
          baseMs: int(env.BAOFOO_OUTBOX_BACKOFF_BASE_MS),
          factor: int(env.BAOFOO_OUTBOX_BACKOFF_FACTOR),
          maxMs: int(env.BAOFOO_OUTBOX_BACKOFF_MAX_MS),
          jitter: int(env.BAOFOO_OUTBOX_BACKOFF_JITTER),
        },
      },
    },
    database: {
      poolSize: int(env.BAOFOO_DB_POOL_SIZE),
      poolMin: int(env.BAOFOO_DB_POOL_MIN),
      idleTimeoutMs: int(env.BAOFOO_DB_IDLE_TIMEOUT_MS),
      statementTimeoutMs: int(env.BAOFOO_DB_STATEMENT_TIMEOUT_MS),
      connectTimeoutMs: int(env.BAOFOO_DB_CONNECT_TIMEOUT_MS),
      answerWithinMs: int(env.BAOFOO_DB_ANSWER_WITHIN_MS),
      topology: (env.BAOFOO_DB_TOPOLOGY || undefined) as TopologySetting | undefined,
      preparedStatements: autoOrBool(env.BAOFOO_DB_PREPARED_STATEMENTS),
      listenUrl: env.BAOFOO_DB_LISTEN_URL || undefined,
    },
  };
}

/** The env files of an environment: `config/<NODE_ENV>.env` (development by default). */
export function envFilePaths(nodeEnv = process.env.NODE_ENV || 'development'): string[] {
  return [`config/${nodeEnv}.env`];
}

/** The variables the env files define (later files win), below `cwd`; a missing file defines nothing. */
export function readEnvFiles(paths: readonly string[] = envFilePaths(), cwd = process.cwd()): Record<string, string | undefined> {
  const vars: Record<string, string | undefined> = {};
  for (const path of paths.map((p) => resolve(cwd, p))) {
    if (existsSync(path)) Object.assign(vars, parseEnv(readFileSync(path, 'utf8')));
  }
  return vars;
}

/** `ConfigModule.forFeature(baofooConfig)`, then inject `baofooConfig.KEY` into `BaofooModule.forRootAsync`. */
export const baofooConfig = registerAs('baofoo', () => baofooOptionsFromEnv(process.env, readEnvFiles()));
