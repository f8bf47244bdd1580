import { envFilePaths, readEnvFiles } from '../baofoo/config/baofoo-env.config.ts';
import { CliFailure } from './cli-failure.ts';

/** Environment variables as the commands see them: the env file under the process environment. */
export type CliEnv = Readonly<Record<string, string | undefined>>;

const ENV_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * Reads `config/<NODE_ENV>.env` (development by default) below `cwd`, the way
 * the app does, and lets the real process environment win over the file, so a
 * secret exported in the shell or injected by the platform overrides a
 * placeholder. A missing file is fine: production usually has none.
 */
export function loadCliEnv(processEnv: CliEnv, cwd: string): CliEnv {
  const nodeEnv = processEnv.NODE_ENV || 'development';
  // NODE_ENV becomes part of a path: a name, never "../something".
  if (!ENV_NAME.test(nodeEnv)) throw new CliFailure(`NODE_ENV ${JSON.stringify(nodeEnv)} is not an environment name like development or production`);
  const fromFiles = readEnvFiles(envFilePaths(nodeEnv), cwd);
  const fromProcess = Object.fromEntries(Object.entries(processEnv).filter(([, v]) => v !== undefined));
  return { ...fromFiles, ...fromProcess, NODE_ENV: nodeEnv };
}
