import { readFileSync } from 'node:fs';
import { BaofooError } from '../protocol/errors.ts';
import type { BaofooKeyStorage } from './baofoo-options.interface.ts';
import { decryptKey, parseMasterKey } from './key-encryption.ts';

/** Where a key comes from: exactly one of a plain value, a file, or an AES-256-GCM ciphertext. */
export interface KeySource {
  value?: string;
  file?: string;
  encrypted?: string;
  /** Required with `encrypted`: 32 bytes as hex or base64. */
  masterKey?: string;
}

export function resolveKeySecret(source: KeySource, label: string): string {
  const given = (['value', 'file', 'encrypted'] as const).filter((k) => source[k] !== undefined && source[k] !== '');
  if (given.length !== 1) {
    throw new BaofooError(
      'KEY_SOURCE_INVALID',
      given.length === 0 ? `${label}: no key configured: set the key, a key file or an encrypted key` : `${label}: set only one of ${given.join(', ')}`,
    );
  }
  if (source.value) return source.value;
  if (source.file) {
    try {
      return readFileSync(source.file, 'utf8').trim();
    } catch (e) {
      throw new BaofooError('KEY_FILE_UNREADABLE', `${label}: the key file ${source.file} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  if (!source.masterKey) throw new BaofooError('MASTER_KEY_MISSING', `${label}: an encrypted key needs BAOFOO_MASTER_KEY`);
  return decryptKey(source.encrypted!, parseMasterKey(source.masterKey));
}

/** How a key source keeps the key at rest (production rules look at it). */
export function keyStorageOf(source: KeySource): BaofooKeyStorage {
  if (source.encrypted) return 'encrypted';
  return source.file ? 'file' : 'plain';
}
