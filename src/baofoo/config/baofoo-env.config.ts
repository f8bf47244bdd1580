import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { Logger } from '@nestjs/common';
import { registerAs } from '@nestjs/config';
import type { BaofooKeyOptions, BaofooMerchantOptions, BaofooModuleOptions } from './baofoo-options.interface.ts';
import { closestName } from './closest-name.ts';
import { KNOWN_VARIABLES, OPTION_VARIABLES, readVariable } from './env-variables.ts';
import { keyStorageOf, resolveKeySecret, type KeySource, type KeySourceNames } from './key-source.ts';
import { environmentFindings, recordSources } from './option-sources.ts';
import { BaofooConfigError } from './resolve-options.ts';

type Env = Readonly<Record<string, string | undefined>>;

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
function keyFrom(env: Env, fromFiles: Env, source: KeySource, cipherVariable: string, label: string, names: KeySourceNames): Pick<BaofooKeyOptions, 'secret' | 'storage' | 'masterKeyBeside'> {
  const storage = keyStorageOf(source);
  const fromFile = (name: string) => fromFiles[name] !== undefined && fromFiles[name] !== '' && fromFiles[name] === env[name];
  const masterKeyBeside = storage === 'encrypted' && fromFile('BAOFOO_MASTER_KEY') && fromFile(cipherVariable);
  return { secret: resolveKeySecret(source, label, names), storage, ...(masterKeyBeside ? { masterKeyBeside } : {}) };
}

/** The variable that holds a key: the one of its three the user set (the encrypted one when none is). */
const setOne = (env: Env, ...names: string[]) => names.find((n) => env[n]) ?? names[0];

function merchantsFromEnv(env: Env, fromFiles: Env, variables: Record<string, string>): BaofooMerchantOptions[] {
  const masterKey = env.BAOFOO_MASTER_KEY;
  if (env.BAOFOO_MERCHANTS) {
    const parsed = parseMerchantsJson(env.BAOFOO_MERCHANTS);
    variables.merchants = 'BAOFOO_MERCHANTS';
    return parsed.map((m, i) => ({
      memberId: String(m.memberId),
      terminalId: String(m.terminalId),
      keys: m.keys.map((k, j): BaofooKeyOptions => {
        const at = `BAOFOO_MERCHANTS[${i}].keys[${j}]`;
        const names = { value: k.env ?? `${at}.value`, file: `${at}.file`, encrypted: `${at}.encrypted`, masterKey: 'BAOFOO_MASTER_KEY' };
        // A key read from a variable of the user's choosing is named by it, and that name is no unknown BAOFOO_* variable.
        if (k.env) variables[`merchants.${i}.keys.${j}.secret`] = k.env;
        return {
          id: k.id,
          ...keyFrom(env, fromFiles, { value: k.env ? env[k.env] : k.value, file: k.file, encrypted: k.encrypted, masterKey }, 'BAOFOO_MERCHANTS', `key ${k.id} of merchant ${m.memberId}`, names),
          retiresAt: k.retiresAt,
        };
      }),
    }));
  }
  if (!env.BAOFOO_MEMBER_ID && !env.BAOFOO_TERMINAL_ID) return [];
  const current = { value: 'BAOFOO_KEY', file: 'BAOFOO_KEY_FILE', encrypted: 'BAOFOO_KEY_ENCRYPTED', masterKey: 'BAOFOO_MASTER_KEY' };
  Object.assign(variables, {
    'merchants.0.memberId': 'BAOFOO_MEMBER_ID',
    'merchants.0.terminalId': 'BAOFOO_TERMINAL_ID',
    'merchants.0.keys.0.secret': setOne(env, current.encrypted, current.value, current.file),
    'merchants.0.keys.0.id': 'BAOFOO_KEY_ID',
  });
  const keys: BaofooKeyOptions[] = [
    {
      id: env.BAOFOO_KEY_ID || 'current',
      ...keyFrom(env, fromFiles, { value: env.BAOFOO_KEY, file: env.BAOFOO_KEY_FILE, encrypted: env.BAOFOO_KEY_ENCRYPTED, masterKey }, 'BAOFOO_KEY_ENCRYPTED', 'the current key', current),
    },
  ];
  if (env.BAOFOO_PREVIOUS_KEY || env.BAOFOO_PREVIOUS_KEY_ENCRYPTED) {
    // Without a date the old key would have to retire at once (losing notifications in flight) or never: say when.
    if (!env.BAOFOO_PREVIOUS_KEY_RETIRES_AT) {
      throw new BaofooConfigError([
        'BAOFOO_PREVIOUS_KEY is set without BAOFOO_PREVIOUS_KEY_RETIRES_AT: set when the previous key stops verifying notifications, e.g. BAOFOO_PREVIOUS_KEY_RETIRES_AT=2027-01-31T00:00:00+08:00, or remove the previous key',
      ]);
    }
    // The previous key has no file variable: its source never holds a file.
    const previous = { value: 'BAOFOO_PREVIOUS_KEY', file: 'no file', encrypted: 'BAOFOO_PREVIOUS_KEY_ENCRYPTED', masterKey: 'BAOFOO_MASTER_KEY' };
    Object.assign(variables, {
      'merchants.0.keys.1.secret': setOne(env, previous.encrypted, previous.value),
      'merchants.0.keys.1.retiresAt': 'BAOFOO_PREVIOUS_KEY_RETIRES_AT',
      'merchants.0.keys.1.id': 'BAOFOO_PREVIOUS_KEY_ID',
    });
    keys.push({
      id: env.BAOFOO_PREVIOUS_KEY_ID || 'previous',
      ...keyFrom(env, fromFiles, { value: env.BAOFOO_PREVIOUS_KEY, encrypted: env.BAOFOO_PREVIOUS_KEY_ENCRYPTED, masterKey }, 'BAOFOO_PREVIOUS_KEY_ENCRYPTED', 'the previous key', previous),
      retiresAt: env.BAOFOO_PREVIOUS_KEY_RETIRES_AT,
    });
  }
  return [{ memberId: env.BAOFOO_MEMBER_ID ?? '', terminalId: env.BAOFOO_TERMINAL_ID ?? '', keys }];
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  const parent = keys.slice(0, -1).reduce<Record<string, unknown>>((o, k) => (o[k] ??= {}) as Record<string, unknown>, target);
  parent[keys[keys.length - 1]] = value;
}

/**
 * A typo is refused with the name it was meant as; a name far from every known one is only warned about (it may be the app's own).
 * `read`: variables read besides the table's (those BAOFOO_MERCHANTS names for its keys).
 */
function unknownVariables(env: Env, read: readonly string[]): { problems: string[]; warnings: string[] } {
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const name of Object.keys(env).filter((n) => n.startsWith('BAOFOO_') && !KNOWN_VARIABLES.includes(n) && !read.includes(n) && env[n] !== undefined)) {
    const meant = closestName(name, KNOWN_VARIABLES, TYPO_DISTANCE);
    if (meant) problems.push(`${name} is not a variable of nestjs-baofoo: did you mean ${meant}? Rename it (docs/options.md lists every variable)`);
    else warnings.push(`${name} is not a variable of nestjs-baofoo and is ignored (docs/options.md lists every variable)`);
  }
  return { problems, warnings };
}

/** Edits that still read as a typo of a known name (BAOFOO_ALOWED_IPS is one away from BAOFOO_ALLOWED_IPS). */
const TYPO_DISTANCE = 3;

/**
 * Module options from environment variables (docs/options.md lists every
 * variable). `fromFiles` holds the variables as the env files define them, to
 * tell a master key kept beside its ciphertext; `missingFiles` the env files
 * that were looked for and not found. Values are checked by
 * `resolveBaofooOptions` when the module boots, which names each by the
 * variable that set it and also refuses unknown BAOFOO_* names close to a known one.
 */
export function baofooOptionsFromEnv(env: Env, fromFiles: Env = {}, missingFiles: readonly string[] = []): BaofooModuleOptions {
  const variables: Record<string, string> = {};
  const options: Record<string, unknown> = { notification: { refusals: {} }, reconciliation: {}, outbox: { delivery: { backoff: {} } }, database: {} };
  // Every path is recorded, set or not: an option the environment left unset is still named by its variable.
  for (const [name, path, kind] of OPTION_VARIABLES) {
    const value = readVariable(kind, env[name]) ?? (kind === 'list' ? [] : path === 'environment' ? '' : undefined);
    if (value !== undefined) setPath(options, path, value);
    variables[path] = name;
  }
  options.merchants = merchantsFromEnv(env, fromFiles, variables);
  if ((options.merchants as unknown[]).length === 0) variables.merchants = 'BAOFOO_MERCHANTS';
  const unknown = unknownVariables(env, Object.values(variables));
  return recordSources(options as unknown as BaofooModuleOptions, {
    variables,
    problems: [...missingFileProblems(env, missingFiles), ...unknown.problems],
    warnings: [...missingFileWarnings(env, missingFiles), ...unknown.warnings],
  });
}

/** The env files of an environment: `config/<NODE_ENV>.env` (development by default). */
export function envFilePaths(nodeEnv = process.env.NODE_ENV || 'development'): string[] {
  return [`config/${nodeEnv}.env`];
}

/** The variables the env files define (later files win), below `cwd`; a missing file defines nothing (see `missingEnvFiles`). */
export function readEnvFiles(paths: readonly string[] = envFilePaths(), cwd = process.cwd()): Record<string, string | undefined> {
  const vars: Record<string, string | undefined> = {};
  for (const path of paths.map((p) => resolve(cwd, p))) {
    if (existsSync(path)) Object.assign(vars, parseEnv(readFileSync(path, 'utf8')));
  }
  return vars;
}

/** The env files that do not exist below `cwd`, as given. */
export function missingEnvFiles(paths: readonly string[] = envFilePaths(), cwd = process.cwd()): string[] {
  return paths.filter((p) => !existsSync(resolve(cwd, p)));
}

const missingText = (env: Env, file: string) => `${file}, the env file of NODE_ENV=${env.NODE_ENV || 'development'}, does not exist (in ${process.cwd()})`;

/*
 * A missing env file is named either way. It stops the boot when nothing else
 * says which gateway to use (BAOFOO_ENV unset): the app would otherwise run on
 * defaults, in production too. With BAOFOO_ENV in the environment, the platform
 * sets the variables (containers, systemd): a warning, not a refusal.
 */
function missingFileProblems(env: Env, missingFiles: readonly string[]): string[] {
  if (env.BAOFOO_ENV) return [];
  return missingFiles.map((file) => `${missingText(env, file)} and BAOFOO_ENV is not set in the environment: create ${file} (a copy of docs/examples/config/production.env from the package), set NODE_ENV to an environment that has one, or set the BAOFOO_* variables in the environment`);
}

function missingFileWarnings(env: Env, missingFiles: readonly string[]): string[] {
  if (!env.BAOFOO_ENV) return [];
  return missingFiles.map((file) => `${missingText(env, file)}: the configuration comes from the environment's variables alone`);
}

/**
 * `ConfigModule.forFeature(baofooConfig)`, then inject `baofooConfig.KEY` into
 * `BaofooModule.forRootAsync`. What only deserves a warning (a missing env
 * file beside a configured environment, a BAOFOO_* name far from every known
 * one) is logged here; what stops the boot is refused with the options.
 */
export const baofooConfig = registerAs('baofoo', () => {
  const paths = envFilePaths();
  const options = baofooOptionsFromEnv(process.env, readEnvFiles(paths), missingEnvFiles(paths));
  const logger = new Logger('BaofooConfig');
  for (const warning of environmentFindings(options).warnings) logger.warn(warning);
  return options;
});
