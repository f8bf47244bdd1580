import { CHARSETS, DEFAULT_TIME_ZONE, systemClock, type BaofooCharset, type Clock } from '../baofoo/protocol/index.ts';
import { validateFaults, type SandboxFaults } from './faults.ts';

/** A merchant the sandbox knows: the pair MemberID + TerminalID and its key. */
export interface SandboxMerchant {
  memberId: string;
  terminalId: string;
  /** The MD5 key. Never logged, never shown by the JSON endpoints. */
  key: string;
  /** Charset of the MD5 input and of the form encoding; 'utf-8' by default. */
  charset?: BaofooCharset;
}

/** The test merchant the gateway publishes (spec §2). */
export const PUBLISHED_TEST_MERCHANT: Readonly<Required<SandboxMerchant>> = Object.freeze({
  memberId: '100000178',
  terminalId: '10000001',
  key: 'abcdefg',
  charset: 'utf-8',
});

/** The waits before each notification attempt: 10 attempts, growing delays. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = Object.freeze([
  0, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000,
]);

export type NotifyMethod = 'POST' | 'GET';

export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Interface to listen on; 127.0.0.1 by default. */
  host?: string;
  /** The merchants the sandbox accepts; the published test merchant by default. */
  merchants?: readonly SandboxMerchant[];
  /**
   * The wait before each notification attempt, in ms; its length is the number
   * of attempts. Default: `DEFAULT_RETRY_DELAYS_MS`. Tests compress it, e.g. [0, 5, 10].
   */
  retryDelaysMs?: readonly number[];
  /** Timeout of one notification request; 10 s by default. */
  notifyTimeoutMs?: number;
  /** How the result reaches ReturnUrl: form POST (default) or GET query string. */
  notifyMethod?: NotifyMethod;
  /**
   * Label a POSTed result with its charset (`Content-Type: application/x-www-form-urlencoded; charset=GBK`),
   * as some gateway front ends do; unlabelled by default, like the gateway's documented form.
   */
  labelCharset?: boolean;
  /** With the `after-browser` fault: how long after the redirect the notification starts (cashier only). */
  browserLeadMs?: number;
  /** Refuse a second query of the same order within this many ms (the gateway: 60 000); 0 = off (default). */
  queryMinIntervalMs?: number;
  /** Faults applied to every payment (per-payment faults override them). */
  faults?: SandboxFaults;
  /** Gives SuccTime, the query's time and the query rate limit; the system clock by default. */
  clock?: Clock;
  /** Zone of SuccTime; Asia/Shanghai by default. */
  timeZone?: string;
  /** One line per event (never a key nor a signing string); silent by default. */
  log?: (line: string) => void;
}

export interface ResolvedSandboxOptions {
  port: number;
  host: string;
  merchants: readonly Required<SandboxMerchant>[];
  retryDelaysMs: readonly number[];
  notifyTimeoutMs: number;
  notifyMethod: NotifyMethod;
  labelCharset: boolean;
  browserLeadMs: number;
  queryMinIntervalMs: number;
  faults: SandboxFaults;
  clock: Clock;
  timeZone: string;
  log: (line: string) => void;
}

function nonNegative(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new TypeError(`sandbox: ${name} must be a non-negative number of ms`);
  return value;
}

function resolveMerchant(m: SandboxMerchant, index: number): Required<SandboxMerchant> {
  const where = `sandbox: merchants[${index}]`;
  if (typeof m !== 'object' || m === null) throw new TypeError(`${where} must be an object`);
  if (typeof m.memberId !== 'string' || !/^[0-9]+$/.test(m.memberId)) throw new TypeError(`${where}.memberId must be digits`);
  if (typeof m.terminalId !== 'string' || !/^[0-9]+$/.test(m.terminalId)) throw new TypeError(`${where}.terminalId must be digits`);
  if (typeof m.key !== 'string' || m.key === '') throw new TypeError(`${where}.key must be a non-empty string`);
  const charset = m.charset ?? 'utf-8';
  if (!CHARSETS.includes(charset)) throw new TypeError(`${where}.charset must be one of ${CHARSETS.join(', ')}`);
  return Object.freeze({ memberId: m.memberId, terminalId: m.terminalId, key: m.key, charset });
}

/** Fills the defaults and refuses a configuration that cannot work. */
export function resolveSandboxOptions(options: SandboxOptions = {}): ResolvedSandboxOptions {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError('sandbox: port must be an integer from 0 to 65535');
  const merchants = (options.merchants ?? [PUBLISHED_TEST_MERCHANT]).map(resolveMerchant);
  if (merchants.length === 0) throw new TypeError('sandbox: at least one merchant is needed');
  const pairs = new Set(merchants.map((m) => `${m.memberId}/${m.terminalId}`));
  if (pairs.size !== merchants.length) throw new TypeError('sandbox: a MemberID/TerminalID pair is configured twice');
  const retryDelaysMs = [...(options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS)];
  if (retryDelaysMs.length === 0) throw new TypeError('sandbox: retryDelaysMs needs at least one entry (one attempt)');
  retryDelaysMs.forEach((d, i) => nonNegative(d, `retryDelaysMs[${i}]`));
  const notifyMethod = options.notifyMethod ?? 'POST';
  if (notifyMethod !== 'POST' && notifyMethod !== 'GET') throw new TypeError('sandbox: notifyMethod must be POST or GET');
  const notifyTimeoutMs = nonNegative(options.notifyTimeoutMs ?? 10_000, 'notifyTimeoutMs');
  if (notifyTimeoutMs === 0) throw new TypeError('sandbox: notifyTimeoutMs must be positive');
  return {
    port,
    host: options.host ?? '127.0.0.1',
    merchants,
    retryDelaysMs: Object.freeze(retryDelaysMs),
    notifyTimeoutMs,
    notifyMethod,
    labelCharset: options.labelCharset ?? false,
    browserLeadMs: nonNegative(options.browserLeadMs ?? 300, 'browserLeadMs'),
    queryMinIntervalMs: nonNegative(options.queryMinIntervalMs ?? 0, 'queryMinIntervalMs'),
    faults: validateFaults(options.faults ?? {}),
    clock: options.clock ?? systemClock,
    timeZone: options.timeZone ?? DEFAULT_TIME_ZONE,
    log: options.log ?? (() => {}),
  };
}
