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

  it('names what is wrong by its JSON path under faults, or by the names it is given', () => {
    expect(() => validateFaults({ duplicates: 0 })).toThrow(new TypeError('faults.duplicates must be an integer from 1 to 50'));
    expect(() => validateFaults({ extraFields: { TransID: 'x' } })).toThrow(new TypeError('faults.extraFields.TransID must be a new field name, not one of the nine signed fields'));
    expect(() => validateFaults(null)).toThrow(new TypeError('faults must be an object'));

    const names = (fault?: string, field?: string) => `<${fault ?? ''}|${field ?? ''}>`;
    expect(() => validateFaults('x', names)).toThrow(new TypeError('<|> must be an object'));
    expect(() => validateFaults({ delay: 1 }, names)).toThrow(new TypeError('<delay|> is not a known fault'));
    expect(() => validateFaults({ queryDelayMs: -1 }, names)).toThrow(new TypeError('<queryDelayMs|> must be a non-negative number of ms'));
    expect(() => validateFaults({ extraFields: { Note: 1 } }, names)).toThrow(new TypeError('<extraFields|Note> must be a string'));
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
