import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { BaofooError } from '../protocol/errors.ts';
import { encryptKey } from './key-encryption.ts';
import { resolveKeySecret, type KeySource } from './key-source.ts';

const MASTER_HEX = 'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100';
const dir = mkdtempSync(join(tmpdir(), 'baofoo-key-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function failure(source: KeySource): BaofooError {
  try {
    resolveKeySecret(source, 'BAOFOO_KEY');
  } catch (e) {
    expect(e).toBeInstanceOf(BaofooError);
    return e as BaofooError;
  }
  throw new Error('resolveKeySecret accepted the source');
}

describe('resolveKeySecret', () => {
  it('takes a plain value as it is', () => {
    expect(resolveKeySecret({ value: 'abcdefg' }, 'BAOFOO_KEY')).toBe('abcdefg');
  });

  it('reads a key file without its trailing newline', () => {
    const file = join(dir, 'key');
    writeFileSync(file, 'a-production-key-7Qz\n');

    expect(resolveKeySecret({ file }, 'BAOFOO_KEY')).toBe('a-production-key-7Qz');
  });

  it('opens an encrypted key with the master key', () => {
    const encrypted = encryptKey('a-production-key-7Qz', Buffer.from(MASTER_HEX, 'hex'));

    expect(resolveKeySecret({ encrypted, masterKey: MASTER_HEX }, 'BAOFOO_KEY')).toBe('a-production-key-7Qz');
  });

  it('treats empty strings as not given, as unset env file entries are', () => {
    expect(resolveKeySecret({ value: 'abcdefg', file: '', encrypted: '' }, 'BAOFOO_KEY')).toBe('abcdefg');
  });

  it('refuses a source without any key, naming the setting', () => {
    const error = failure({ value: '', masterKey: MASTER_HEX });

    expect(error.code).toBe('KEY_SOURCE_INVALID');
    expect(error.message).toBe('BAOFOO_KEY: no key is set: set encrypted (opened with masterKey), file or value');
  });

  it.each<[string, KeySource]>([
    ['a value and a file', { value: 'abcdefg', file: '/run/secrets/key' }],
    ['a value and an encrypted key', { value: 'abcdefg', encrypted: 'v1.a.b.c' }],
    ['a file and an encrypted key', { file: '/run/secrets/key', encrypted: 'v1.a.b.c' }],
  ])('refuses %s at once, because which one wins would be a guess', (_case, source) => {
    const error = failure(source);

    expect(error.code).toBe('KEY_SOURCE_INVALID');
    expect(error.message).toMatch(/^BAOFOO_KEY: (value|file) and (file|encrypted) are all set: keep only one \(production wants encrypted\)$/);
    expect(error.message).not.toContain('abcdefg');
  });

  it('says which key file cannot be read and why', () => {
    const file = join(dir, 'missing');
    const error = failure({ file });

    expect(error.code).toBe('KEY_FILE_UNREADABLE');
    expect(error.message).toBe(`BAOFOO_KEY: file=${file} cannot be read (ENOENT): fix the path, or mount the file there`);
  });

  it('refuses an encrypted key without a master key', () => {
    const error = failure({ encrypted: 'v1.a.b.c' });

    expect(error.code).toBe('MASTER_KEY_MISSING');
    expect(error.message).toMatch(/encrypted is set without masterKey/);
  });

  it('refuses an encrypted key under the wrong master key', () => {
    const encrypted = encryptKey('a-production-key-7Qz', Buffer.from(MASTER_HEX, 'hex'));

    expect(failure({ encrypted, masterKey: MASTER_HEX.replace(/^ff/, '00') }).code).toBe('KEY_DECRYPTION_FAILED');
  });
});
