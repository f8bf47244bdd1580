import { randomBytes } from 'node:crypto';
import { formatTradeTime, type Clock, systemClock, DEFAULT_TIME_ZONE } from './trade-time.ts';

/** TransID: 8 to 20 letters and digits, unique per merchant (spec §2). */
export const TRANS_ID_PATTERN = /^[A-Za-z0-9]{8,20}$/;

/** Crockford's base 32: no I, L, O or U to misread, and 256 is a multiple of 32, so no byte is favoured. */
export const TRANS_ID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A 20-character TransID: the Shanghai time to the second without the
 * century (`yyMMddHHmmss`, readable in the gateway's back office) and eight
 * random characters, 32^8 ≈ 1.1 × 10^12 per second, so even 10,000 ids in one
 * second collide with odds of about 1 in 20,000; the database's unique key
 * is the final guard.
 */
export function generateTransId(clock: Clock = systemClock, random: (n: number) => Buffer = randomBytes): string {
  let suffix = '';
  for (const b of random(8)) suffix += TRANS_ID_ALPHABET[b % 32];
  return formatTradeTime(clock(), DEFAULT_TIME_ZONE).slice(2) + suffix;
}
