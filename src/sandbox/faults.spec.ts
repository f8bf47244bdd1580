import { describe, expect, it } from '@jest/globals';
import { FaultBook, mergeFaults, validateFaults } from './faults.ts';

describe('sandbox faults', () => {
  it('validates switches coming from JSON and refuses unknown or ill-typed ones', () => {
    expect(validateFaults({ duplicates: 3, charset: 'gbk', extraFields: { BankID: '3002' } })).toEqual({ duplicates: 3, charset: 'gbk', extraFields: { BankID: '3002' } });
    expect(() => validateFaults({ duplicates: 0 })).toThrow(/duplicates/);
    expect(() => validateFaults({ queryStatus: 200 })).toThrow(/queryStatus/);
    expect(() => validateFaults({ outOfOrder: 'sideways' })).toThrow(/outOfOrder/);
    expect(() => validateFaults({ extraFields: { TransID: 'x' } })).toThrow(/signed fields/);
    expect(() => validateFaults([])).toThrow(/object/);
  });

  it('lets per-TransID faults override the global ones, switch by switch', () => {
    const book = new FaultBook({ duplicates: 2, corruptSignature: true });
    book.set({ corruptSignature: false, delayMs: 5 }, 'T1');
    expect(book.effective('T1')).toEqual({ duplicates: 2, corruptSignature: false, delayMs: 5 });
    expect(book.effective('T2')).toEqual({ duplicates: 2, corruptSignature: true });
    book.set({}, 'T1');
    expect(book.effective('T1')).toEqual({ duplicates: 2, corruptSignature: true });
    expect(mergeFaults({ delayMs: 1 }, undefined, { delayMs: undefined }, { delayMs: 3 })).toEqual({ delayMs: 3 });
  });
});
