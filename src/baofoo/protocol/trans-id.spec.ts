import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { generateTransId, TRANS_ID_PATTERN } from './trans-id.ts';

const FIXED = () => new Date('2014-10-29T10:45:03Z');
/** The generator's alphabet, as documented: digits and capitals without I and O. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

describe('TRANS_ID_PATTERN', () => {
  it.each(['ABCD1234', 'abcd1234', '12345678', '20141029184503AB12CD'])('accepts %s', (id) => {
    expect(TRANS_ID_PATTERN.test(id)).toBe(true);
  });

  it.each(['', '1234567', '123456789012345678901', 'ABCD-1234', 'ABCD 1234', 'ABCD1234\n', '订单12345678', 'ABCD_1234'])('refuses %p', (id) => {
    expect(TRANS_ID_PATTERN.test(id)).toBe(false);
  });
});

describe('generateTransId', () => {
  it('generates 20 characters that match TRANS_ID_PATTERN', () => {
    const id = generateTransId();
    expect(id).toHaveLength(20);
    expect(id).toMatch(TRANS_ID_PATTERN);
  });

  it('starts with the Shanghai time of the clock it is given', () => {
    expect(generateTransId(FIXED).slice(0, 12)).toBe('141029184503');
    expect(generateTransId(() => new Date('2014-12-31T16:30:00Z')).slice(0, 12)).toBe('150101003000');
  });

  it('starts with the current Shanghai time by default', () => {
    const shanghai = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().replace(/[-T:]/g, '').slice(2, 14);
    const before = Date.now();
    const id = generateTransId();
    expect([shanghai(before), shanghai(Date.now())]).toContain(id.slice(0, 12));
  });

  it('ends with eight characters of its alphabet, which has no I, L, O or U', () => {
    for (let i = 0; i < 200; i++) {
      const suffix = generateTransId(FIXED).slice(12);
      expect(suffix).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    }
  });

  it('draws eight random bytes and maps each onto the alphabet', () => {
    const asked: number[] = [];
    const random = (n: number) => {
      asked.push(n);
      return Buffer.from([0, 9, 10, 17, 31, 32, 255, 18]);
    };
    // 0→'0', 9→'9', 10→'A', 17→'H', 31→'Z', 32 wraps to '0', 255 = 7×32+31 → 'Z', 18→'J' (no I)
    expect(generateTransId(FIXED, random)).toBe('141029184503' + '09AHZ0ZJ');
    expect(asked).toEqual([8]);
  });

  it('generates 10,000 unique ids at 100 per second with the real random source', () => {
    let tick = 0;
    const clock = () => new Date(Date.UTC(2014, 9, 29, 10, 45, 3) + Math.floor(tick++ / 100) * 1000);
    const ids = Array.from({ length: 10_000 }, () => generateTransId(clock, randomBytes));
    expect(new Set(ids).size).toBe(10_000);
    for (const id of ids) expect(id).toMatch(TRANS_ID_PATTERN);
  });

  it('generates 10,000 unique ids within one second when the random bytes differ', () => {
    // Successive counters written in base 32, one digit per byte: distinct random input
    // must give distinct ids, so nothing of the suffix is lost.
    let counter = 0;
    const random = (n: number) => {
      const bytes = Buffer.alloc(n);
      for (let i = 0, c = counter++; i < n; i++, c = Math.floor(c / 32)) bytes[i] = c % 32;
      return bytes;
    };
    const ids = Array.from({ length: 10_000 }, () => generateTransId(FIXED, random));
    expect(new Set(ids).size).toBe(10_000);
    expect(ids.every((id) => id.startsWith('141029184503'))).toBe(true);
  });

  it('maps arbitrary random bytes onto a valid id', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }), (bytes) => {
        const id = generateTransId(FIXED, () => Buffer.from(bytes));
        return TRANS_ID_PATTERN.test(id) && id.length === 20 && [...bytes].every((b, i) => id[12 + i] === ALPHABET[b % 32]);
      }),
      { numRuns: 2_000 },
    );
  });
});
