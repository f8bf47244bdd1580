import { createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { decryptKey, encryptKey, KeyDecryptionError, parseMasterKey } from './key-encryption.ts';

const MASTER_HEX = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const master = Buffer.from(MASTER_HEX, 'hex');

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (e) {
    expect(e).toBeInstanceOf(KeyDecryptionError);
    return (e as KeyDecryptionError).code;
  }
  return undefined;
}

/** Flips one bit of one base64url part of a sealed key. */
function tamper(sealed: string, part: 1 | 2 | 3): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[part], 'base64url');
  bytes[0] ^= 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('key encryption', () => {
  it('opens what it sealed, including non-ASCII keys', () => {
    for (const secret of ['abcdefg', 'a-production-key-7Qz', '密钥-κλειδί']) {
      expect(decryptKey(encryptKey(secret, master), master)).toBe(secret);
    }
  });

  it('seals as v1.<iv>.<tag>.<data>, AES-256-GCM with a 12-byte IV, readable by plain node:crypto', () => {
    const sealed = encryptKey('abcdefg', master);
    const [version, iv, tag, data] = sealed.split('.');

    expect(version).toBe('v1');
    expect(Buffer.from(iv, 'base64url')).toHaveLength(12);
    const decipher = createDecipheriv('aes-256-gcm', master, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    expect(Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8')).toBe('abcdefg');
  });

  it('never seals the same key twice to the same text, because each IV is fresh', () => {
    expect(encryptKey('abcdefg', master)).not.toBe(encryptKey('abcdefg', master));
  });

  it('tolerates surrounding whitespace, as values pasted into env files have', () => {
    expect(decryptKey(`  ${encryptKey('abcdefg', master)}\n`, master)).toBe('abcdefg');
  });

  it.each([
    ['IV', 1],
    ['authentication tag', 2],
    ['ciphertext', 3],
  ] as const)('detects a tampered %s with code KEY_DECRYPTION_FAILED', (_part, index) => {
    const sealed = encryptKey('abcdefg', master);

    expect(codeOf(() => decryptKey(tamper(sealed, index), master))).toBe('KEY_DECRYPTION_FAILED');
  });

  it('refuses to open a key under another master key, naming BAOFOO_MASTER_KEY', () => {
    const sealed = encryptKey('abcdefg', master);

    expect(codeOf(() => decryptKey(sealed, randomBytes(32)))).toBe('KEY_DECRYPTION_FAILED');
    expect(() => decryptKey(sealed, randomBytes(32))).toThrow(/BAOFOO_MASTER_KEY/);
  });

  it.each([
    ['an empty value', ''],
    ['a plain key', 'abcdefg'],
    ['an unknown version', 'v2.aaaa.bbbb.cccc'],
    ['a missing part', 'v1.aaaa.bbbb'],
    ['an extra part', 'v1.aaaa.bbbb.cccc.dddd'],
  ])('refuses %s as malformed and says how to produce a good one', (_case, sealed) => {
    expect(codeOf(() => decryptKey(sealed, master))).toBe('KEY_CIPHERTEXT_MALFORMED');
    expect(() => decryptKey(sealed, master)).toThrow(/npx baofoo encrypt-key/);
  });

  it('refuses well-shaped parts that are not a real IV and tag with KEY_DECRYPTION_FAILED, not a crash', () => {
    expect(codeOf(() => decryptKey('v1.AA.AA.AA', master))).toBe('KEY_DECRYPTION_FAILED');
  });

  describe('master key', () => {
    it('reads 64 hex characters and 32 bytes of base64 as the same key', () => {
      expect(parseMasterKey(MASTER_HEX)).toEqual(master);
      expect(parseMasterKey(MASTER_HEX.toUpperCase())).toEqual(master);
      expect(parseMasterKey(master.toString('base64'))).toEqual(master);
      expect(parseMasterKey(` ${MASTER_HEX}\n`)).toEqual(master);
    });

    it.each([
      ['empty', ''],
      ['too short', MASTER_HEX.slice(0, 62)],
      ['16 bytes of base64', randomBytes(16).toString('base64')],
    ])('refuses a master key that is %s, saying how to generate one', (_case, text) => {
      expect(codeOf(() => parseMasterKey(text))).toBe('MASTER_KEY_INVALID');
      expect(() => parseMasterKey(text)).toThrow(/openssl rand -hex 32/);
    });
  });
});
