import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { BaofooError } from '../protocol/errors.ts';

/**
 * Keys at rest are AES-256-GCM ciphertexts under a master key (spec §7.2):
 * `v1.<iv>.<tag>.<ciphertext>`, each part base64url. The master key is 32
 * bytes given as 64 hex characters or base64.
 */
const PREFIX = 'v1';

export class KeyDecryptionError extends BaofooError {}

export function parseMasterKey(text: string): Buffer {
  const trimmed = (text ?? '').trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new KeyDecryptionError('MASTER_KEY_INVALID', 'the master key must be 32 bytes, as 64 hex characters or base64 (generate one with `openssl rand -hex 32`)');
  }
  return key;
}

export function encryptKey(secret: string, masterKey: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
  const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [PREFIX, iv, cipher.getAuthTag(), data].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

export function decryptKey(sealed: string, masterKey: Buffer): string {
  const parts = (sealed ?? '').trim().split('.');
  if (parts.length !== 4 || parts[0] !== PREFIX) {
    throw new KeyDecryptionError('KEY_CIPHERTEXT_MALFORMED', 'an encrypted key looks like v1.<iv>.<tag>.<data>; produce one with `npx baofoo encrypt-key`');
  }
  const [, iv, tag, data] = parts.map((p) => Buffer.from(p, 'base64url'));
  try {
    const decipher = createDecipheriv('aes-256-gcm', masterKey, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  } catch {
    throw new KeyDecryptionError('KEY_DECRYPTION_FAILED', 'the encrypted key does not open with this master key (wrong BAOFOO_MASTER_KEY, or the value was altered)');
  }
}
