import { BOOLEAN_SPELLINGS, readVariable } from '../../baofoo/config/env-variables.ts';
import { NUMBER_FAULTS, type FaultNames } from '../../sandbox/faults.ts';
import { PUBLISHED_TEST_MERCHANT, validateFaults, type SandboxFaults, type SandboxMerchant, type SandboxOptions } from '../../sandbox/index.ts';
import type { CliEnv } from '../cli-env.ts';
import { CliFailure } from '../cli-failure.ts';
import type { ArgSpec } from '../cli-options.ts';

/** One flag of `baofoo sandbox`: its parse spec, the variable that gives its default, and its line of `--help`. */
interface SandboxFlag {
  readonly name: string;
  readonly value?: string;
  readonly multiple?: boolean;
  readonly env?: string;
  readonly help: string;
  /** The fault switch this flag sets (`faults.<fault>`). */
  readonly fault?: keyof SandboxFaults;
}

const SERVER_FLAGS: readonly SandboxFlag[] = [
  { name: 'port', value: '<n>', env: 'SANDBOX_PORT', help: 'port to listen on (default 3100; 0 picks a free one)' },
  { name: 'host', value: '<address>', env: 'SANDBOX_HOST', help: 'interface to listen on (default 127.0.0.1; 0.0.0.0 in a container)' },
  { name: 'member-id', value: '<digits>', help: `the merchant's MemberID (default ${PUBLISHED_TEST_MERCHANT.memberId}, the published test merchant)` },
  { name: 'terminal-id', value: '<digits>', help: `its TerminalID (default ${PUBLISHED_TEST_MERCHANT.terminalId})` },
  { name: 'key', value: '<key>', help: 'its MD5 key (default the published test key); never printed' },
  { name: 'charset', value: 'utf-8|gbk', help: 'its charset (default utf-8)' },
  { name: 'merchants', value: '<json>', env: 'SANDBOX_MERCHANTS', help: 'several merchants instead: [{"memberId","terminalId","key","charset"?}]' },
  { name: 'retry-delays', value: '<ms,ms,…>', env: 'SANDBOX_RETRY_DELAYS_MS', help: 'wait before each notification attempt (default 0,15000,30000,… : 10 attempts)' },
  { name: 'notify-method', value: 'POST|GET', env: 'SANDBOX_NOTIFY_METHOD', help: 'how results reach ReturnUrl (default POST)' },
  { name: 'label-charset', env: 'SANDBOX_LABEL_CHARSET', help: 'say the charset in the Content-Type of POSTed results' },
  { name: 'query-min-interval', value: '<ms>', env: 'SANDBOX_QUERY_MIN_INTERVAL_MS', help: 'refuse a second query of an order within this time (the gateway: 60000; default 0, off)' },
];

const FAULT_FLAGS: readonly SandboxFlag[] = [
  { name: 'faults', value: '<json>', env: 'SANDBOX_FAULTS', help: 'global faults as JSON, e.g. {"duplicates":2}; the flags below win over it' },
  { name: 'drop-notification', fault: 'dropNotification', help: 'send no notification (the order query still tells the truth)' },
  { name: 'duplicates', value: '<n>', fault: 'duplicates', help: 'send every notification attempt as n concurrent copies' },
  { name: 'delay', value: '<ms>', fault: 'delayMs', help: 'wait before the first notification attempt' },
  { name: 'out-of-order', value: 'failure-after-success|failure-before-success', fault: 'outOfOrder', help: 'also deliver a signed failure after (or before) the success' },
  { name: 'corrupt-signature', fault: 'corruptSignature', help: 'send notifications with a wrong Md5Sign' },
  { name: 'extra-field', value: '<Name=value>', multiple: true, fault: 'extraFields', help: 'append an unsigned field to results (repeatable)' },
  { name: 'result-charset', value: 'utf-8|gbk', fault: 'charset', help: "sign and encode results in this charset, whatever the merchant's" },
  { name: 'notify-timing', value: 'with-browser|before-browser|after-browser', fault: 'notifyTiming', help: "when the notification starts relative to the browser's return" },
  { name: 'query-delay', value: '<ms>', fault: 'queryDelayMs', help: 'answer order queries this much later' },
  { name: 'query-status', value: '<status>', fault: 'queryStatus', help: 'answer order queries with this HTTP error status (e.g. 503)' },
  { name: 'query-garbage', fault: 'queryGarbage', help: 'answer order queries with an HTML page instead of the seven fields' },
];

const FLAGS = [...SERVER_FLAGS, ...FAULT_FLAGS];

export const SANDBOX_ARGS: ArgSpec = Object.fromEntries(FLAGS.map((f) => [f.name, { type: f.value ? 'string' : 'boolean', ...(f.multiple ? { multiple: true } : {}) }]));
/** The parsed flags, by name: the table is data, so their types are the union. */
export type SandboxArgs = Readonly<Record<string, string | boolean | string[] | undefined>>;

const helpLines = (flags: readonly SandboxFlag[]) =>
  flags.map((f) => `  --${f.name}${f.value ? ` ${f.value}` : ''}\n      ${f.help}${f.env ? ` [${f.env}]` : ''}`);

export const SANDBOX_HELP = [
  'The local Baofoo gateway: payment form, cashier page, signed notifications with retries, order query.',
  'Runs until Ctrl-C (SIGINT) or SIGTERM. Its address and endpoints go to stdout, one line per event to stderr.',
  'A flag wins over the variable in brackets (from the environment or config/<NODE_ENV>.env).',
  '',
  'server:',
  ...helpLines(SERVER_FLAGS),
  '',
  'faults, for every payment (one payment: PUT /_sandbox/faults {"transId", "faults"} or the cashier page):',
  ...helpLines(FAULT_FLAGS),
].join('\n');

function flagValue(values: SandboxArgs, env: CliEnv, flag: SandboxFlag): string | boolean | string[] | undefined {
  const given = values[flag.name];
  if (given !== undefined) return given;
  const fromEnv = flag.env ? env[flag.env]?.trim() : undefined;
  if (!fromEnv) return undefined;
  if (flag.value) return fromEnv;
  const on = readVariable('bool', fromEnv);
  if (typeof on !== 'boolean') throw new CliFailure(`${flag.env} must be ${BOOLEAN_SPELLINGS}, not ${JSON.stringify(fromEnv)}`, true);
  return on;
}

/** What the user set for a flag, as an error names it: the flag if given, else its variable. */
const where = (values: SandboxArgs, flag: SandboxFlag) => (values[flag.name] === undefined && flag.env) || `--${flag.name}`;

function wholeNumber(text: string, values: SandboxArgs, flag: SandboxFlag): number {
  if (!/^[0-9]+$/.test(text.trim())) throw new CliFailure(`${where(values, flag)} ${text} is not a whole number`, true);
  return Number(text.trim());
}

function json(text: string, values: SandboxArgs, flag: SandboxFlag): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CliFailure(`${where(values, flag)} is not valid JSON`, true);
  }
}

const flag = (name: string): SandboxFlag => FLAGS.find((f) => f.name === name)!;

function merchantsFrom(values: SandboxArgs, env: CliEnv): SandboxMerchant[] | undefined {
  const one = (['member-id', 'terminal-id', 'key'] as const).map((name) => values[name] as string | undefined);
  if (one.some((v) => v !== undefined)) {
    if (one.some((v) => v === undefined)) throw new CliFailure('--member-id, --terminal-id and --key go together (or use --merchants)', true);
    const [memberId, terminalId, key] = one as string[];
    return [{ memberId, terminalId, key, charset: values.charset as SandboxMerchant['charset'] }];
  }
  if (values.charset !== undefined) throw new CliFailure('--charset needs --member-id, --terminal-id and --key', true);
  const list = flagValue(values, env, flag('merchants'));
  if (list === undefined) return undefined;
  const merchants = json(list as string, values, flag('merchants'));
  if (!Array.isArray(merchants)) throw new CliFailure(`${where(values, flag('merchants'))} must be a JSON array`, true);
  return merchants as SandboxMerchant[];
}

/** A fault flag's text as its switch takes it; text that is no number goes on as it is, for validateFaults to refuse by name. */
function faultValue(f: SandboxFlag, value: string | boolean | string[]): unknown {
  if (typeof value === 'boolean') return value;
  if (Array.isArray(value)) {
    return Object.fromEntries(
      value.map((pair) => {
        const at = pair.indexOf('=');
        if (at < 1) throw new CliFailure(`--${f.name} ${pair} is not Name=value`, true);
        return [pair.slice(0, at), pair.slice(at + 1)];
      }),
    );
  }
  return NUMBER_FAULTS.includes(f.fault!) ? readVariable('number', value) : value;
}

/** Names a fault as the user set it: its own flag (`--extra-field TransID`), else its key in --faults or SANDBOX_FAULTS. */
function faultNames(values: SandboxArgs): FaultNames {
  return (fault, field) => {
    const own = FAULT_FLAGS.find((f) => f.fault !== undefined && f.fault === fault && values[f.name] !== undefined);
    if (own) return field === undefined ? `--${own.name}` : `--${own.name} ${field}`;
    const json = where(values, flag('faults'));
    if (fault === undefined) return json;
    return `${field === undefined ? fault : `${fault}.${field}`} in ${json}`;
  };
}

function faultsFrom(values: SandboxArgs, env: CliEnv): SandboxFaults {
  const text = flagValue(values, env, flag('faults')) as string | undefined;
  const base = text === undefined ? {} : json(text, values, flag('faults'));
  const fromFlags = Object.fromEntries(FAULT_FLAGS.filter((f) => f.fault && values[f.name] !== undefined).map((f) => [f.fault, faultValue(f, values[f.name]!)]));
  // The flags win over the JSON; JSON that is no object goes on as it is, for validateFaults to refuse.
  const faults = typeof base === 'object' && base !== null && !Array.isArray(base) ? { ...base, ...fromFlags } : base;
  try {
    return validateFaults(faults, faultNames(values));
  } catch (e) {
    throw new CliFailure((e as Error).message, true);
  }
}

/** The gateway's options from the flags, then the SANDBOX_* variables, then its defaults (port 3100). */
export function sandboxOptionsFrom(values: SandboxArgs, env: CliEnv): SandboxOptions {
  const text = (name: string) => flagValue(values, env, flag(name)) as string | undefined;
  const port = text('port');
  const delays = text('retry-delays');
  const queryMinInterval = text('query-min-interval');
  const method = text('notify-method')?.toUpperCase();
  if (method !== undefined && method !== 'POST' && method !== 'GET') throw new CliFailure(`${where(values, flag('notify-method'))} must be POST or GET`, true);
  return {
    port: port === undefined ? 3100 : wholeNumber(port, values, flag('port')),
    host: text('host') ?? '127.0.0.1',
    merchants: merchantsFrom(values, env),
    retryDelaysMs: delays?.split(',').map((d) => wholeNumber(d, values, flag('retry-delays'))),
    notifyMethod: method as SandboxOptions['notifyMethod'],
    labelCharset: flagValue(values, env, flag('label-charset')) === true,
    queryMinIntervalMs: queryMinInterval === undefined ? 0 : wholeNumber(queryMinInterval, values, flag('query-min-interval')),
    faults: faultsFrom(values, env),
  };
}
