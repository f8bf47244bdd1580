import { CHARSETS, PAYMENT_RESULT_FIELDS, type BaofooCharset } from '../baofoo/protocol/index.ts';

/**
 * The misbehaviours of the real gateway a merchant must survive. Each switch
 * can be set globally (options, `setFaults`, `PUT /_sandbox/faults`) or for one
 * TransID, which wins over the global value.
 */
export interface SandboxFaults {
  /** Never send the server notification; the order query still tells the truth. */
  dropNotification?: boolean;
  /** Copies of every attempt sent at the same moment (1 = normal). */
  duplicates?: number;
  /** Extra wait before the first notification attempt, in ms. */
  delayMs?: number;
  /** Besides the success, deliver a correctly signed failure (Result 0, ResultDesc 0001) after or before it. */
  outOfOrder?: 'failure-after-success' | 'failure-before-success';
  /** Send the notification with a wrong Md5Sign. */
  corruptSignature?: boolean;
  /** Unsigned fields appended to the result, e.g. `{ BankID: '3002' }`. */
  extraFields?: Readonly<Record<string, string>>;
  /** Sign and percent-encode the result in this charset instead of the merchant's. */
  charset?: BaofooCharset;
  /** When the server notification starts relative to the browser's return to PageUrl. */
  notifyTiming?: 'with-browser' | 'before-browser' | 'after-browser';
  /** POST form (default) or GET query string to ReturnUrl. */
  notifyMethod?: 'POST' | 'GET';
  /** Answer order queries after this many ms. */
  queryDelayMs?: number;
  /** Answer order queries with this HTTP status (e.g. 503) and an error text. */
  queryStatus?: number;
  /** Answer order queries with text that is not the seven fields. */
  queryGarbage?: boolean;
}

const KEYS = new Set([
  'dropNotification',
  'duplicates',
  'delayMs',
  'outOfOrder',
  'corruptSignature',
  'extraFields',
  'charset',
  'notifyTiming',
  'notifyMethod',
  'queryDelayMs',
  'queryStatus',
  'queryGarbage',
]);

/** Checks faults that come from JSON (environment, HTTP) as well as from code; throws a TypeError. */
export function validateFaults(input: unknown): SandboxFaults {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new TypeError('faults must be an object');
  const f = input as Record<string, unknown>;
  const bad = (name: string, rule: string) => new TypeError(`faults.${name} ${rule}`);
  for (const name of Object.keys(f)) if (!KEYS.has(name)) throw bad(name, 'is not a known fault');
  const out: SandboxFaults = {};
  for (const name of ['dropNotification', 'corruptSignature', 'queryGarbage'] as const) {
    if (f[name] === undefined) continue;
    if (typeof f[name] !== 'boolean') throw bad(name, 'must be true or false');
    out[name] = f[name];
  }
  for (const name of ['delayMs', 'queryDelayMs'] as const) {
    if (f[name] === undefined) continue;
    const v = f[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw bad(name, 'must be a non-negative number of ms');
    out[name] = v;
  }
  if (f.duplicates !== undefined) {
    if (!Number.isInteger(f.duplicates) || (f.duplicates as number) < 1 || (f.duplicates as number) > 50) throw bad('duplicates', 'must be an integer from 1 to 50');
    out.duplicates = f.duplicates as number;
  }
  if (f.queryStatus !== undefined) {
    if (!Number.isInteger(f.queryStatus) || (f.queryStatus as number) < 400 || (f.queryStatus as number) > 599) throw bad('queryStatus', 'must be an HTTP error status (400-599)');
    out.queryStatus = f.queryStatus as number;
  }
  if (f.outOfOrder !== undefined) {
    if (f.outOfOrder !== 'failure-after-success' && f.outOfOrder !== 'failure-before-success') throw bad('outOfOrder', "must be 'failure-after-success' or 'failure-before-success'");
    out.outOfOrder = f.outOfOrder;
  }
  if (f.charset !== undefined) {
    if (!CHARSETS.includes(f.charset as BaofooCharset)) throw bad('charset', `must be one of ${CHARSETS.join(', ')}`);
    out.charset = f.charset as BaofooCharset;
  }
  if (f.notifyTiming !== undefined) {
    if (!['with-browser', 'before-browser', 'after-browser'].includes(f.notifyTiming as string)) throw bad('notifyTiming', "must be 'with-browser', 'before-browser' or 'after-browser'");
    out.notifyTiming = f.notifyTiming as SandboxFaults['notifyTiming'];
  }
  if (f.notifyMethod !== undefined) {
    if (f.notifyMethod !== 'POST' && f.notifyMethod !== 'GET') throw bad('notifyMethod', 'must be POST or GET');
    out.notifyMethod = f.notifyMethod;
  }
  if (f.extraFields !== undefined) {
    const extras = f.extraFields;
    if (typeof extras !== 'object' || extras === null || Array.isArray(extras)) throw bad('extraFields', 'must be an object of strings');
    const copy: Record<string, string> = {};
    for (const [name, value] of Object.entries(extras)) {
      if (typeof value !== 'string') throw bad(`extraFields.${name}`, 'must be a string');
      if ((PAYMENT_RESULT_FIELDS as readonly string[]).includes(name) || !/^[A-Za-z][A-Za-z0-9_]{0,31}$/.test(name)) {
        throw bad(`extraFields.${name}`, 'must be a new field name, not one of the nine signed fields');
      }
      copy[name] = value;
    }
    out.extraFields = Object.freeze(copy);
  }
  return out;
}

/** Later layers win, switch by switch. */
export function mergeFaults(...layers: readonly (SandboxFaults | undefined)[]): SandboxFaults {
  const out: SandboxFaults = {};
  for (const layer of layers) {
    if (!layer) continue;
    for (const [k, v] of Object.entries(layer)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

/** The global faults and the per-TransID ones (which may be set before the order exists). */
export class FaultBook {
  private global: SandboxFaults;
  private readonly perTransId = new Map<string, SandboxFaults>();

  constructor(initial: SandboxFaults) {
    this.global = validateFaults(initial);
  }

  /** Replaces the global faults, or one TransID's (`{}` clears). */
  set(faults: SandboxFaults, transId?: string): void {
    const valid = validateFaults(faults);
    if (transId === undefined) this.global = valid;
    else if (Object.keys(valid).length === 0) this.perTransId.delete(transId);
    else this.perTransId.set(transId, valid);
  }

  /** What applies to this TransID: the global faults overridden by its own. */
  effective(transId: string): SandboxFaults {
    return mergeFaults(this.global, this.perTransId.get(transId));
  }

  snapshot(): { global: SandboxFaults; perTransId: Record<string, SandboxFaults> } {
    return { global: { ...this.global }, perTransId: Object.fromEntries(this.perTransId) };
  }
}
