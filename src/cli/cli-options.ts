import { parseArgs } from 'node:util';
import { baofooOptionsFromEnv, envFilePaths } from '../baofoo/config/baofoo-env.config.ts';
import { resolveBaofooOptions } from '../baofoo/config/resolve-options.ts';
import type { ResolvedBaofooOptions } from '../baofoo/config/resolved-options.ts';
import type { RingMerchant } from '../baofoo/config/key-ring.ts';
import { BaofooError } from '../baofoo/protocol/errors.ts';
import type { CliEnv } from './cli-env.ts';
import { CliFailure } from './cli-failure.ts';

/**
 * The module options of the current NODE_ENV, validated exactly as the app
 * validates them at boot. Loaded by each command that needs them, not up
 * front: `encrypt-key` must work while the production config is still being
 * filled in.
 */
export function loadBaofooOptions(env: CliEnv): ResolvedBaofooOptions {
  try {
    return resolveBaofooOptions(baofooOptionsFromEnv(env), undefined, env.NODE_ENV);
  } catch (e) {
    if (!(e instanceof BaofooError)) throw e;
    const nodeEnv = env.NODE_ENV || 'development';
    throw new CliFailure(`the configuration of NODE_ENV=${nodeEnv} (${envFilePaths(nodeEnv).join(', ')} and the environment) cannot be used: ${e.message}`);
  }
}

export function describeMerchants(options: ResolvedBaofooOptions): string {
  return options.keyRing.merchants.map((m) => `${m.memberId}/${m.terminalId}`).join(', ');
}

/** `--merchant MemberID/TerminalID`, or the only (first) configured merchant. */
export function pickMerchant(options: ResolvedBaofooOptions, selector: string | undefined): RingMerchant {
  if (selector === undefined) return options.keyRing.merchants[0];
  const [memberId, terminalId] = selector.split('/');
  const merchant = terminalId === undefined ? options.keyRing.merchants.find((m) => m.memberId === memberId) : options.keyRing.merchant(memberId, terminalId);
  if (!merchant) throw new CliFailure(`merchant ${selector} is not configured (configured: ${describeMerchants(options)})`);
  return merchant;
}

export type ArgSpec = Readonly<Record<string, { readonly type: 'string' | 'boolean'; readonly multiple?: boolean }>>;
type ArgValue<O extends ArgSpec[string]> = (O['type'] extends 'string' ? string : boolean) extends infer V ? (O['multiple'] extends true ? V[] : V) : never;
export type ArgValues<S extends ArgSpec> = { [K in keyof S]?: ArgValue<S[K]> };

/** `node:util` parseArgs, strict, with its TypeErrors turned into usage failures. */
export function parseCommandArgs<S extends ArgSpec>(args: readonly string[], spec: S): { values: ArgValues<S>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options: spec, allowPositionals: true, strict: true });
    return { values: values as ArgValues<S>, positionals };
  } catch (e) {
    throw new CliFailure((e as Error).message, true);
  }
}
