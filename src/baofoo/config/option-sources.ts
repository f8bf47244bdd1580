import { variableOfPath } from './env-variables.ts';

/**
 * What the env reader knows about the options it built: which variable set
 * which option path (with the value it set), and what it found wrong
 * with the environment itself (unknown names, a missing env file).
 */
export interface OptionSources {
  /** Option path (`notification.maxBodyBytes`, `merchants.0.keys.0.id`) → the variable that set it. */
  readonly variables: Readonly<Record<string, string>>;
  /** Boot refuses these, with the option problems. */
  readonly problems: readonly string[];
  /** Worth a warning at boot, not a refusal. */
  readonly warnings: readonly string[];
}

interface Recorded extends OptionSources {
  /**
   * Each recorded path's value when read, compared by identity (a copy of the options keeps its arrays and objects,
   * and leaves compare by value): a value the app changed since is the app's, named by its path. No serialized
   * copy, so no second plain-text copy of a key.
   */
  readonly values: ReadonlyMap<string, unknown>;
}

const SOURCES = Symbol.for('nestjs-baofoo.option-sources');

type Carrier = Record<PropertyKey, unknown>;

function valueAt(options: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Carrier)[key] : undefined), options);
}

/**
 * Records the sources on the options, hidden (non-enumerable), on the object
 * and on each of its top-level values: `forRoot` copies the top level
 * (dropping what is hidden there) but keeps the values, and an app's
 * `{ ...fromEnv, … }` keeps them too.
 */
export function recordSources<T extends object>(options: T, sources: OptionSources): T {
  const values = new Map(Object.keys(sources.variables).map((path) => [path, valueAt(options, path)]));
  const recorded: Recorded = { ...sources, values };
  for (const carrier of [options, ...Object.values(options)]) {
    if (carrier !== null && typeof carrier === 'object') Object.defineProperty(carrier, SOURCES, { value: recorded, enumerable: false, configurable: true });
  }
  return options;
}

function recordedOn(options: unknown): Recorded | undefined {
  if (options === null || typeof options !== 'object') return undefined;
  const own = (options as Carrier)[SOURCES] as Recorded | undefined;
  if (own) return own;
  for (const value of Object.values(options)) {
    const found = value !== null && typeof value === 'object' ? ((value as Carrier)[SOURCES] as Recorded | undefined) : undefined;
    if (found) return found;
  }
  return undefined;
}

/** What the env reader found wrong with the environment that built these options. */
export function environmentFindings(options: unknown): Pick<OptionSources, 'problems' | 'warnings'> {
  const recorded = recordedOn(options);
  return { problems: recorded?.problems ?? [], warnings: recorded?.warnings ?? [] };
}

/** `merchants.0.keys.1.id` → `[0].keys[1].id`, to follow a JSON variable's name. */
const jsonPath = (rest: string) => rest.replace(/\.([0-9]+)/g, '[$1]');

/**
 * Names an option path in messages as the user set it: the variable when it
 * came from the environment (`BAOFOO_MAX_BODY_BYTES`, `BAOFOO_MERCHANTS[0].keys[1].id`),
 * the option path when it came from code (`notification.maxBodyBytes`). An
 * unset option of env-built options is named by its variable: that is where to set it.
 */
export function optionNamer(options: unknown): (path: string) => string {
  const recorded = recordedOn(options);
  if (!recorded) return (path) => path;
  const fromEnv = (path: string) => recorded.variables[path] !== undefined && Object.is(valueAt(options, path), recorded.values.get(path));
  return (path) => {
    const parts = path.split('.');
    for (let n = parts.length; n > 0; n--) {
      const prefix = parts.slice(0, n).join('.');
      if (fromEnv(prefix)) return recorded.variables[prefix] + jsonPath(path.slice(prefix.length));
    }
    if (recorded.variables[path] !== undefined || valueAt(options, path) !== undefined) return path;
    return variableOfPath(path) ?? path;
  };
}
