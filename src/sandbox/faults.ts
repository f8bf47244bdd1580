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

/** What one switch must be, and how an error says so. */
interface Rule {
  readonly ok: (value: unknown) => boolean;
  readonly must: string;
  /** A number: a command line or a variable gives it as text, to read as one before it is checked. */
  readonly number?: true;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const yesNo: Rule = { ok: (v) => typeof v === 'boolean', must: 'must be true or false' };
const ms: Rule = { ok: (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0, must: 'must be a non-negative number of ms', number: true };
const wholeFrom = (low: number, high: number, must: string): Rule => ({ ok: (v) => Number.isInteger(v) && (v as number) >= low && (v as number) <= high, must, number: true });
const oneOf = (values: readonly string[], must: string): Rule => ({ ok: (v) => values.includes(v as string), must });

/** Every switch but extraFields (a map, checked field by field), in the order errors are looked for. */
const RULES: Readonly<Record<Exclude<keyof SandboxFaults, 'extraFields'>, Rule>> = {
  dropNotification: yesNo,
  corruptSignature: yesNo,
  queryGarbage: yesNo,
  delayMs: ms,
  queryDelayMs: ms,
  duplicates: wholeFrom(1, 50, 'must be an integer from 1 to 50'),
  queryStatus: wholeFrom(400, 599, 'must be an HTTP error status (400-599)'),
  outOfOrder: oneOf(['failure-after-success', 'failure-before-success'], "must be 'failure-after-success' or 'failure-before-success'"),
  charset: oneOf(CHARSETS, `must be one of ${CHARSETS.join(', ')}`),
  notifyTiming: oneOf(['with-browser', 'before-browser', 'after-browser'], "must be 'with-browser', 'before-browser' or 'after-browser'"),
  notifyMethod: oneOf(['POST', 'GET'], 'must be POST or GET'),
};

/** The switches that are numbers. */
export const NUMBER_FAULTS: readonly (keyof SandboxFaults)[] = (Object.keys(RULES) as (keyof typeof RULES)[]).filter((name) => RULES[name].number);

/**
 * How an error names what is wrong: the whole input (no fault), one switch, or
 * one field of extraFields (`fault` 'extraFields'). By default their JSON path
 * under `faults`, as a body or an option has them; a command line names the
 * flag or variable the user set instead.
 */
export type FaultNames = (fault?: string, field?: string) => string;

const jsonPath: FaultNames = (fault, field) => ['faults', fault, field].filter((part) => part !== undefined).join('.');

/** Checks faults that come from JSON (environment, HTTP) as well as from code; throws a TypeError naming the culprit by `names`. */
export function validateFaults(input: unknown, names: FaultNames = jsonPath): SandboxFaults {
  const bad = (must: string, fault?: string, field?: string) => new TypeError(`${names(fault, field)} ${must}`);
  if (!isRecord(input)) throw bad('must be an object');
  for (const name of Object.keys(input)) if (!Object.hasOwn(RULES, name) && name !== 'extraFields') throw bad('is not a known fault', name);
  const out: Record<string, unknown> = {};
  for (const [name, rule] of Object.entries(RULES)) {
    if (input[name] === undefined) continue;
    if (!rule.ok(input[name])) throw bad(rule.must, name);
    out[name] = input[name];
  }
  if (input.extraFields !== undefined) {
    const extras = input.extraFields;
    if (!isRecord(extras)) throw bad('must be an object of strings', 'extraFields');
    const copy: Record<string, string> = {};
    for (const [name, value] of Object.entries(extras)) {
      if (typeof value !== 'string') throw bad('must be a string', 'extraFields', name);
      if ((PAYMENT_RESULT_FIELDS as readonly string[]).includes(name) || !/^[A-Za-z][A-Za-z0-9_]{0,31}$/.test(name)) {
        throw bad('must be a new field name, not one of the nine signed fields', 'extraFields', name);
      }
      copy[name] = value;
    }
    out.extraFields = Object.freeze(copy);
  }
  return out as SandboxFaults;
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
