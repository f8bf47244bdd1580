import { decodeText, encodeText, type BaofooCharset } from './charset.ts';
import { BaofooProtocolError } from './errors.ts';

/**
 * `application/x-www-form-urlencoded` in a given charset. The gateway
 * percent-encodes the bytes of the merchant's charset, so a GBK merchant's
 * Chinese text cannot be read by a UTF-8 body parser: notifications and query
 * answers are parsed here from the raw text instead.
 */

export interface FormLimits {
  /** Parameters beyond this are refused rather than silently dropped. */
  maxParameters: number;
  /** Longest accepted value, in characters after decoding. */
  maxValueLength: number;
}

export const DEFAULT_FORM_LIMITS: FormLimits = { maxParameters: 32, maxValueLength: 1024 };

const PERCENT = /%([0-9A-Fa-f]{2})/y;

function percentDecode(text: string, charset: BaofooCharset): string {
  const plus = text.replaceAll('+', ' ');
  if (!plus.includes('%')) return plus;
  const bytes: number[] = [];
  for (let i = 0; i < plus.length; ) {
    const ch = plus.charCodeAt(i);
    if (ch === 0x25) {
      PERCENT.lastIndex = i;
      const m = PERCENT.exec(plus);
      if (!m) throw new BaofooProtocolError('FORM_MALFORMED', 'broken percent-encoding', { at: i });
      bytes.push(parseInt(m[1], 16));
      i += 3;
    } else if (ch < 0x80) {
      bytes.push(ch);
      i += 1;
    } else {
      // Raw non-ASCII characters: keep them as the charset would have sent them.
      const cp = plus.codePointAt(i)!;
      const chunk = String.fromCodePoint(cp);
      bytes.push(...encodeText(chunk, charset));
      i += chunk.length;
    }
  }
  return decodeText(Buffer.from(bytes), charset);
}

/**
 * Parses a form body or query string into a null-prototype map. A repeated
 * name is refused: two values for a signed field would make "which one was
 * signed" ambiguous.
 */
export function parseForm(text: string, charset: BaofooCharset, limits: FormLimits = DEFAULT_FORM_LIMITS): Record<string, string> {
  if (typeof text !== 'string') throw new BaofooProtocolError('FORM_MALFORMED', 'the form body is not text', { type: typeof text });
  const out: Record<string, string> = Object.create(null);
  if (text === '') return out;
  const pairs = text.split('&');
  if (pairs.length > limits.maxParameters) {
    throw new BaofooProtocolError('FORM_TOO_MANY_PARAMETERS', `more than ${limits.maxParameters} parameters`, { count: pairs.length });
  }
  for (const pair of pairs) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = percentDecode(eq < 0 ? pair : pair.slice(0, eq), charset);
    const value = eq < 0 ? '' : percentDecode(pair.slice(eq + 1), charset);
    if (Object.hasOwn(out, name)) throw new BaofooProtocolError('FORM_DUPLICATE_PARAMETER', `parameter ${name} appears more than once`, { name });
    if (value.length > limits.maxValueLength) {
      throw new BaofooProtocolError('FORM_VALUE_TOO_LONG', `parameter ${name} is longer than ${limits.maxValueLength} characters`, { name, length: value.length });
    }
    out[name] = value;
  }
  return out;
}

function percentEncode(text: string, charset: BaofooCharset): string {
  let out = '';
  for (const byte of encodeText(text, charset)) {
    const unreserved =
      (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x2d || byte === 0x2e || byte === 0x5f || byte === 0x2a;
    out += unreserved ? String.fromCharCode(byte) : byte === 0x20 ? '+' : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Renders fields as a form body or query string in the charset. */
export function renderForm(fields: Readonly<Record<string, string>>, charset: BaofooCharset = 'utf-8'): string {
  return Object.entries(fields)
    .map(([k, v]) => `${percentEncode(k, charset)}=${percentEncode(v, charset)}`)
    .join('&');
}
