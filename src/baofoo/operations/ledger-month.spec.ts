import { ledgerMonth } from './ledger-month.ts';

describe('ledgerMonth', () => {
  const now = new Date('2026-12-01T04:00:00Z');

  it('spans a calendar month from midnight to midnight in the protocol time zone', () => {
    expect(ledgerMonth('2026-10', 'Asia/Shanghai', now)).toEqual({ from: new Date('2026-09-30T16:00:00Z'), to: new Date('2026-10-31T16:00:00Z') });
  });

  it('rolls December over into the next year', () => {
    expect(ledgerMonth('2025-12', 'Asia/Shanghai', now)).toEqual({ from: new Date('2025-11-30T16:00:00Z'), to: new Date('2025-12-31T16:00:00Z') });
  });

  it('follows a zone with daylight saving time at each end', () => {
    expect(ledgerMonth('2026-03', 'Europe/Berlin', now)).toEqual({ from: new Date('2026-02-28T23:00:00Z'), to: new Date('2026-03-31T22:00:00Z') });
  });

  it('refuses the current month and text that is not a month, with stable codes', () => {
    expect(() => ledgerMonth('2026-12', 'Asia/Shanghai', now)).toThrow(expect.objectContaining({ code: 'ARCHIVE_MONTH_OPEN' }));
    for (const month of ['2026-13', '2026-1', '26-10', '2026-10-01']) expect(() => ledgerMonth(month, 'Asia/Shanghai', now)).toThrow(expect.objectContaining({ code: 'ARCHIVE_MONTH_INVALID' }));
  });
});
