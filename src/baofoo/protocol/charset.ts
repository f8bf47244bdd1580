import iconv from 'iconv-lite';

/** The character set of the MD5 input and of form values (spec §8). */
export type BaofooCharset = 'utf-8' | 'gbk';

export const CHARSETS: readonly BaofooCharset[] = ['utf-8', 'gbk'];

export function encodeText(text: string, charset: BaofooCharset): Buffer {
  return charset === 'utf-8' ? Buffer.from(text, 'utf8') : iconv.encode(text, 'gbk');
}

export function decodeText(bytes: Buffer, charset: BaofooCharset): string {
  return charset === 'utf-8' ? bytes.toString('utf8') : iconv.decode(bytes, 'gbk');
}
