import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { PUBLISHED_TEST_MERCHANT } from '../../baofoo/config/gateway-hosts.ts';
import { encryptKey, parseMasterKey } from '../../baofoo/config/key-encryption.ts';
import { BaofooError } from '../../baofoo/protocol/errors.ts';
import type { CliCommand } from '../cli-command.ts';
import type { CliEnv } from '../cli-env.ts';
import { CliFailure, EXIT_OK } from '../cli-failure.ts';
import type { CliIo } from '../cli-io.ts';
import { parseCommandArgs } from '../cli-options.ts';

/**
 * A new master key goes to a file only its owner can read, never to the
 * terminal, where scrollback, logs and screen shares keep it. The file must not
 * exist yet: overwriting a master key would strand every value sealed under it.
 */
function writeNewMasterKey(path: string | undefined, io: CliIo): Buffer {
  if (!path) throw new CliFailure('--generate-master-key needs --master-key-file <path>: the new key is written there (mode 0600), never shown', true);
  const fresh = randomBytes(32);
  try {
    writeFileSync(path, `${fresh.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new CliFailure(code === 'EEXIST' ? `${path} already exists: choose a new path (an existing master key is never overwritten)` : `cannot write ${path} (${code})`);
  }
  io.err(`a new master key was written to ${path} (mode 0600). Put it in your secret store as BAOFOO_MASTER_KEY, not in the env file that holds`);
  io.err('BAOFOO_KEY_ENCRYPTED (production refuses that), then delete the file. Without it the encrypted key below cannot be opened.');
  return fresh;
}

function masterKeyFor(env: CliEnv, generate: boolean, masterKeyFile: string | undefined, io: CliIo): Buffer {
  const given = env.BAOFOO_MASTER_KEY;
  if (generate && given) {
    // Silently sealing under a fresh key while one is configured would leave a value the app cannot open.
    throw new CliFailure('BAOFOO_MASTER_KEY is already set: drop --generate-master-key to encrypt under it, or unset it to start a new one');
  }
  if (generate) return writeNewMasterKey(masterKeyFile, io);
  if (!given) throw new CliFailure('set BAOFOO_MASTER_KEY (32 bytes as 64 hex characters: `openssl rand -hex 32`) or pass --generate-master-key', true);
  try {
    return parseMasterKey(given);
  } catch (e) {
    throw new CliFailure(`BAOFOO_MASTER_KEY: ${(e as BaofooError).message}`);
  }
}

/**
 * Seals a merchant key for BAOFOO_KEY_ENCRYPTED. The key comes from stdin or
 * a file, never from an argument, so it stays out of the shell history and
 * the process list.
 */
export async function runEncryptKey(args: readonly string[], env: CliEnv, io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { 'key-file': { type: 'string' }, 'generate-master-key': { type: 'boolean' }, 'master-key-file': { type: 'string' } });
  if (positionals.length > 0) throw new CliFailure('encrypt-key reads the key from stdin or --key-file, never from an argument', true);
  if (values['master-key-file'] !== undefined && values['generate-master-key'] !== true) throw new CliFailure('--master-key-file goes with --generate-master-key', true);

  let secret: string;
  if (values['key-file'] !== undefined) {
    try {
      secret = readFileSync(values['key-file'], 'utf8').trim();
    } catch (e) {
      throw new CliFailure(`the key file ${values['key-file']} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  } else {
    secret = (await io.readStdin()).trim();
  }
  if (secret === '') throw new CliFailure('no key given: pipe it on stdin or pass --key-file', true);
  if (secret === PUBLISHED_TEST_MERCHANT.key) io.err('warning: this is the published test key, which production refuses');
  // Only once the key is in hand, so a failed run leaves no stray master key file behind.
  const masterKey = masterKeyFor(env, values['generate-master-key'] === true, values['master-key-file'], io);

  io.out(`BAOFOO_KEY_ENCRYPTED=${encryptKey(secret, masterKey)}`);
  return EXIT_OK;
}

export const encryptKeyCommand: CliCommand = {
  name: 'encrypt-key',
  usage: '[--key-file <path>] [--generate-master-key --master-key-file <path>]  (the key on stdin otherwise)',
  summary: 'encrypt a merchant key under BAOFOO_MASTER_KEY (AES-256-GCM) and print BAOFOO_KEY_ENCRYPTED=…',
  run: runEncryptKey,
};
