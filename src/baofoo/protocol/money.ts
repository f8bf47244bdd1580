import { BaofooProtocolError } from './errors.ts';

/**
 * Amounts are integer fen (1 yuan = 100 fen) end to end: the protocol sends
 * fen, the database stores fen, and no float ever touches money.
 */
export type Fen = number;

const DIGITS = /^(0|[1-9][0-9]{0,15})$/;

/** Parses a protocol amount ("100" → 100 fen); anything but plain digits is refused. */
export function parseFen(text: string, field = 'amount'): Fen {
  if (typeof text !== 'string' || !DIGITS.test(text)) {
    throw new BaofooProtocolError('MONEY_MALFORMED', `${field} must be a whole number of fen`, { field, value: text });
  }
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new BaofooProtocolError('MONEY_MALFORMED', `${field} is too large`, { field, value: text });
  }
  return value;
}

/** "12.34" for 1234 fen, for people; never parsed back. */
export function formatYuan(fen: Fen): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
