import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';

export type Charset = 'utf-8' | 'gbk';

/** The bytes the gateway hashes: the text in the merchant's charset (iconv-lite for GBK). */
export function encodeIn(text: string, charset: Charset = 'utf-8'): Buffer {
  return charset === 'gbk' ? iconv.encode(text, 'gbk') : Buffer.from(text, 'utf8');
}

/**
 * Lower-case hex MD5 with plain node:crypto: how every test computes the
 * signature it expects, over the string the spec writes out, never with the
 * code under test.
 */
export function md5(text: string, charset: Charset = 'utf-8'): string {
  return createHash('md5').update(encodeIn(text, charset)).digest('hex');
}
