import { randomBytes } from 'node:crypto';
import { formatTradeTime, type Clock, systemClock, DEFAULT_TIME_ZONE } from './trade-time.ts';

/** TransID: 8 to 20 letters and digits, unique per merchant (spec §2). */
export const TRANS_ID_PATTERN = /^[A-Za-z0-9]{8,20}$/;

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/**
 * A 20-character TransID: the Shanghai time to the second (readable in the
 * gateway's back office) and six random characters from a 34-letter alphabet,
 * 1.5 billion per second; the database's unique key is the final guard.
 */
export function generateTransId(clock: Clock = systemClock, random: (n: number) => Buffer = randomBytes): string {
  const bytes = random(6);
  let suffix = '';
  for (const b of bytes) suffix += ALPHABET[b % ALPHABET.length];
  return formatTradeTime(clock(), DEFAULT_TIME_ZONE) + suffix;
}
