import { readFileSync } from 'node:fs';
import { BaofooError } from '../protocol/errors.ts';
import type { BaofooKeyStorage } from './baofoo-options.interface.ts';
import { decryptKey, KeyDecryptionError, parseMasterKey } from './key-encryption.ts';

/** Where a key comes from: exactly one of a plain value, a file, or an AES-256-GCM ciphertext. */
export interface KeySource {
  value?: string;
  file?: string;
  encrypted?: string;
  /** Required with `encrypted`: 32 bytes as hex or base64. */
  masterKey?: string;
}

/** What the user called each field of a key source, for messages: variable names when read from the environment. */
export type KeySourceNames = Readonly<Record<keyof KeySource, string>>;

const FIELD_NAMES: KeySourceNames = { value: 'value', file: 'file', encrypted: 'encrypted', masterKey: 'masterKey' };

/**
 * The key a source holds. `label` says which key (`key current of merchant
 * 100000178`); `names` how the user set each field, so a message names what
 * to change (BAOFOO_KEY_FILE, not "file").
 */
export function resolveKeySecret(source: KeySource, label: string, names: KeySourceNames = FIELD_NAMES): string {
  const given = (['value', 'file', 'encrypted'] as const).filter((k) => source[k] !== undefined && source[k] !== '');
  if (given.length === 0) {
    throw new BaofooError('KEY_SOURCE_INVALID', `${label}: no key is set: set ${names.encrypted} (opened with ${names.masterKey}), ${names.file} or ${names.value}`);
  }
  if (given.length > 1) {
    throw new BaofooError('KEY_SOURCE_INVALID', `${label}: ${given.map((k) => names[k]).join(' and ')} are all set: keep only one (production wants ${names.encrypted})`);
  }
  if (source.value) return source.value;
  if (source.file) {
    try {
      return readFileSync(source.file, 'utf8').trim();
    } catch (e) {
      throw new BaofooError('KEY_FILE_UNREADABLE', `${label}: ${names.file}=${source.file} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}): fix the path, or mount the file there`);
    }
  }
  if (!source.masterKey) throw new BaofooError('MASTER_KEY_MISSING', `${label}: ${names.encrypted} is set without ${names.masterKey}: an encrypted key needs the master key from your secret store`);
  try {
    return decryptKey(source.encrypted!, parseMasterKey(source.masterKey));
  } catch (e) {
    if (!(e instanceof KeyDecryptionError)) throw e;
    const culprit = e.code === 'MASTER_KEY_INVALID' ? names.masterKey : names.encrypted;
    throw new KeyDecryptionError(e.code, `${label}: ${culprit}: ${e.message}`, e.evidence);
  }
}

/** How a key source keeps the key at rest (production rules look at it). */
export function keyStorageOf(source: KeySource): BaofooKeyStorage {
  if (source.encrypted) return 'encrypted';
  return source.file ? 'file' : 'plain';
}
