import { describe, expect, it } from '@jest/globals';
import { KeyRing } from './key-ring.ts';

const RETIRES_AT = new Date('2025-07-01T00:00:00+08:00');

const ring = new KeyRing([
  {
    memberId: '100000178',
    terminalId: '10000001',
    keys: [
      { id: 'old', secret: 'the-old-key', retiresAt: RETIRES_AT },
      { id: 'current', secret: 'the-new-key' },
      { id: 'older', secret: 'the-older-key', retiresAt: new Date('2025-01-01T00:00:00+08:00') },
    ],
  },
  { memberId: '100000999', terminalId: '10000002', keys: [{ id: 'other', secret: 'the-other-key' }] },
]);

const ids = (keys: { id: string }[]) => keys.map((k) => k.id);

describe('KeyRing', () => {
  it('finds a merchant only by its MemberID and TerminalID together', () => {
    expect(ring.merchant('100000178', '10000001')?.memberId).toBe('100000178');
    expect(ring.merchant('100000178', '10000002')).toBeUndefined();
    expect(ring.merchant('100000999', '10000001')).toBeUndefined();
  });

  it('does not confuse ids whose concatenations are equal', () => {
    const tricky = new KeyRing([{ memberId: '12', terminalId: '3', keys: [{ id: 'k', secret: 's' }] }]);

    expect(tricky.merchant('1', '23')).toBeUndefined();
  });

  it('verifies with every key not yet retired, in configured order', () => {
    expect(ids(ring.verificationKeys('100000178', '10000001', new Date('2024-12-31T00:00:00+08:00')))).toEqual(['old', 'current', 'older']);
    expect(ids(ring.verificationKeys('100000178', '10000001', new Date('2025-06-30T23:59:59+08:00')))).toEqual(['old', 'current']);
  });

  it('stops verifying with a key at the exact instant it retires', () => {
    expect(ids(ring.verificationKeys('100000178', '10000001', RETIRES_AT))).toEqual(['current']);
    expect(ids(ring.verificationKeys('100000178', '10000001', new Date(RETIRES_AT.getTime() - 1)))).toEqual(['old', 'current']);
  });

  it('has no keys for an unknown merchant', () => {
    expect(ring.verificationKeys('100000178', '99999999', RETIRES_AT)).toEqual([]);
    expect(ring.signingKey('100000178', '99999999')).toBeUndefined();
  });

  it('signs with the first key without a retirement time, wherever it stands', () => {
    expect(ring.signingKey('100000178', '10000001')?.id).toBe('current');
    expect(ring.signingKey('100000999', '10000002')?.id).toBe('other');
  });

  it('falls back to the first key when every key has a retirement time', () => {
    const retiring = new KeyRing([{ memberId: '1', terminalId: '2', keys: [{ id: 'a', secret: 'x', retiresAt: RETIRES_AT }] }]);

    expect(retiring.signingKey('1', '2')?.id).toBe('a');
  });
});
