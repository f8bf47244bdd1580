import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PUBLISHED_TEST_MERCHANT } from '../../baofoo/config/gateway-hosts.ts';
import { encryptKey, parseMasterKey } from '../../baofoo/config/key-encryption.ts';
import { BaofooError } from '../../baofoo/protocol/errors.ts';
import type { CliCommand } from '../cli-command.ts';
import type { CliEnv } from '../cli-env.ts';
import { CliFailure, EXIT_OK } from '../cli-failure.ts';
import type { CliIo } from '../cli-io.ts';
import { parseCommandArgs } from '../cli-options.ts';

function masterKeyFor(env: CliEnv, generate: boolean, io: CliIo): Buffer {
  const given = env.BAOFOO_MASTER_KEY;
  if (generate && given) {
    // Silently sealing under a fresh key while one is configured would leave a value the app cannot open.
    throw new CliFailure('BAOFOO_MASTER_KEY is already set: drop --generate-master-key to encrypt under it, or unset it to start a new one');
  }
  if (generate) {
    const fresh = randomBytes(32);
    io.err('warning: a new master key was generated. Store it in your secret store as BAOFOO_MASTER_KEY now:');
    io.err('warning: without it the encrypted key below cannot be opened, and it is shown only this once.');
    io.err(`BAOFOO_MASTER_KEY=${fresh.toString('hex')}`);
    return fresh;
  }
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
  const { values, positionals } = parseCommandArgs(args, { 'key-file': { type: 'string' }, 'generate-master-key': { type: 'boolean' } });
  if (positionals.length > 0) throw new CliFailure('encrypt-key reads the key from stdin or --key-file, never from an argument', true);
  const masterKey = masterKeyFor(env, values['generate-master-key'] === true, io);

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

  io.out(`BAOFOO_KEY_ENCRYPTED=${encryptKey(secret, masterKey)}`);
  return EXIT_OK;
}

export const encryptKeyCommand: CliCommand = {
  name: 'encrypt-key',
  usage: '[--key-file <path>] [--generate-master-key]  (the key on stdin otherwise)',
  summary: 'encrypt a merchant key under BAOFOO_MASTER_KEY (AES-256-GCM) and print BAOFOO_KEY_ENCRYPTED=…',
  run: runEncryptKey,
};
