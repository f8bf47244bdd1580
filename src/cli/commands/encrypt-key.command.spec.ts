import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { baofooOptionsFromEnv } from '../../baofoo/config/baofoo-env.config.ts';
import { decryptKey } from '../../baofoo/config/key-encryption.ts';
import { CliFailure } from '../cli-failure.ts';
import { memoryIo } from '../cli-io.ts';
import { runEncryptKey } from './encrypt-key.command.ts';

const MASTER_HEX = '8f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0';
const master = Buffer.from(MASTER_HEX, 'hex');
const dir = mkdtempSync(join(tmpdir(), 'baofoo-encrypt-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sealedFrom = (line: string) => /^BAOFOO_KEY_ENCRYPTED=(v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(line)?.[1];

describe('encrypt-key', () => {
  it('prints BAOFOO_KEY_ENCRYPTED sealing the key read from stdin under BAOFOO_MASTER_KEY', async () => {
    const io = memoryIo({ stdin: 'a-production-key-7Qz\n' });

    expect(await runEncryptKey([], { BAOFOO_MASTER_KEY: MASTER_HEX }, io)).toBe(0);
    expect(io.stdout).toHaveLength(1);
    expect(decryptKey(sealedFrom(io.stdout[0])!, master)).toBe('a-production-key-7Qz');
    expect(io.stdout[0]).not.toContain('a-production-key-7Qz');
    expect(io.stderr).toEqual([]);
  });

  it('reads the key from --key-file', async () => {
    const file = join(dir, 'key');
    writeFileSync(file, 'from-a-file\n');
    const io = memoryIo();

    expect(await runEncryptKey(['--key-file', file], { BAOFOO_MASTER_KEY: MASTER_HEX }, io)).toBe(0);
    expect(decryptKey(sealedFrom(io.stdout[0])!, master)).toBe('from-a-file');
  });

  it('prints a value the app opens as its key', async () => {
    const io = memoryIo({ stdin: 'a-production-key-7Qz' });
    await runEncryptKey([], { BAOFOO_MASTER_KEY: MASTER_HEX }, io);

    const options = baofooOptionsFromEnv({ BAOFOO_MEMBER_ID: '100012345', BAOFOO_TERMINAL_ID: '10012345', BAOFOO_MASTER_KEY: MASTER_HEX, BAOFOO_KEY_ENCRYPTED: sealedFrom(io.stdout[0]) });

    expect(options.merchants[0].keys[0].secret).toBe('a-production-key-7Qz');
  });

  it('generates a master key on request into a new file only its owner can read, never onto the terminal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baofoo-master-'));
    const path = join(dir, 'master.key');
    try {
      const io = memoryIo({ stdin: 'a-production-key-7Qz' });

      expect(await runEncryptKey(['--generate-master-key', '--master-key-file', path], {}, io)).toBe(0);
      const generated = readFileSync(path, 'utf8').trim();
      expect(generated).toMatch(/^[0-9a-f]{64}$/);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect([...io.stdout, ...io.stderr].join('\n')).not.toContain(generated);
      expect(io.stderr.join(' ')).toContain(path);
      expect(decryptKey(sealedFrom(io.stdout[0])!, Buffer.from(generated, 'hex'))).toBe('a-production-key-7Qz');

      const again = memoryIo({ stdin: 'a-production-key-7Qz' });
      await expect(runEncryptKey(['--generate-master-key', '--master-key-file', path], {}, again)).rejects.toThrow(/already exists/);
      expect(readFileSync(path, 'utf8').trim()).toBe(generated);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('warns when asked to seal the published test key', async () => {
    const io = memoryIo({ stdin: 'abcdefg' });
    await runEncryptKey([], { BAOFOO_MASTER_KEY: MASTER_HEX }, io);

    expect(io.stderr).toEqual(['warning: this is the published test key, which production refuses']);
  });

  it.each<[string, string[], Record<string, string>, string, RegExp]>([
    ['without a master key', [], {}, 'k', /set BAOFOO_MASTER_KEY .* or pass --generate-master-key/],
    ['with a master key that is not 32 bytes', [], { BAOFOO_MASTER_KEY: 'abc' }, 'k', /BAOFOO_MASTER_KEY: the master key must be 32 bytes/],
    ['when asked to generate a master key without a file to write it to', ['--generate-master-key'], {}, 'k', /needs --master-key-file/],
    ['when asked to generate a master key while one is set', ['--generate-master-key'], { BAOFOO_MASTER_KEY: MASTER_HEX }, 'k', /BAOFOO_MASTER_KEY is already set/],
    ['with nothing on stdin', [], { BAOFOO_MASTER_KEY: MASTER_HEX }, ' \n', /no key given/],
    ['with the key as an argument, where the shell history would keep it', ['a-production-key'], { BAOFOO_MASTER_KEY: MASTER_HEX }, '', /never from an argument/],
    ['with an unreadable key file', ['--key-file', '/nonexistent/key'], { BAOFOO_MASTER_KEY: MASTER_HEX }, '', /the key file \/nonexistent\/key cannot be read \(ENOENT\)/],
  ])('fails to run %s', async (_case, args, env, stdin, message) => {
    const io = memoryIo({ stdin });
    const run = runEncryptKey(args, env, io);

    await expect(run).rejects.toThrow(CliFailure);
    await expect(run).rejects.toThrow(message);
    expect(io.stdout).toEqual([]);
  });
});
