import { wallClock } from '../protocol/zoned-time.ts';
import { BaofooOperationsError } from './operations.errors.ts';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The offset of `timeZone` from UTC at `at`, in ms (Intl, so no time-zone table is shipped). */
function offsetMs(at: Date, timeZone: string): number {
  const parts = wallClock(at, timeZone);
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return local - Math.floor(at.getTime() / 1000) * 1000;
}

/** Midnight of the first of the month in `timeZone`, as an instant. */
function monthStart(year: number, month: number, timeZone: string): Date {
  const naive = Date.UTC(year, month - 1, 1);
  return new Date(naive - offsetMs(new Date(naive), timeZone));
}

/**
 * The instants [from, to) of a calendar month (`YYYY-MM`) in the protocol's
 * time zone; refused unless the month is over at `now`, so a month still
 * being written is never archived.
 */
export function ledgerMonth(month: string, timeZone: string, now: Date): { from: Date; to: Date } {
  const m = MONTH.exec(month);
  if (!m) throw new BaofooOperationsError('ARCHIVE_MONTH_INVALID', `${month} is not a month (YYYY-MM, e.g. 2026-10)`, { month });
  const year = Number(m[1]);
  const mon = Number(m[2]);
  const from = monthStart(year, mon, timeZone);
  const to = mon === 12 ? monthStart(year + 1, 1, timeZone) : monthStart(year, mon + 1, timeZone);
  if (to > now) throw new BaofooOperationsError('ARCHIVE_MONTH_OPEN', `${month} is not over yet: only a past month can be archived`, { month });
  return { from, to };
}
