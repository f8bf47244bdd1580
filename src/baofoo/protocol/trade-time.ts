import { BaofooProtocolError } from './errors.ts';
import { wallClock } from './zoned-time.ts';

/**
 * TradeDate and SuccTime are `yyyyMMddHHmmss` wall-clock times of the gateway,
 * which is in Shanghai: they are rendered and read in that zone whatever zone
 * the server runs in (spec §8).
 */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** A clock is passed in everywhere time matters, so tests can hold it still. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** `yyyyMMddHHmmss` of the instant in the zone. */
export function formatTradeTime(instant: Date, timeZone = DEFAULT_TIME_ZONE): string {
  const p = wallClock(instant, timeZone);
  return `${p.year.padStart(4, '0')}${p.month}${p.day}${p.hour}${p.minute}${p.second}`;
}

const TRADE_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

export function isTradeTime(text: string): boolean {
  const m = TRADE_TIME.exec(text);
  if (!m) return false;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  const probe = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return (
    probe.getUTCFullYear() === y &&
    probe.getUTCMonth() === mo - 1 &&
    probe.getUTCDate() === d &&
    probe.getUTCHours() === h &&
    probe.getUTCMinutes() === mi &&
    probe.getUTCSeconds() === s
  );
}

/** The instant a `yyyyMMddHHmmss` wall-clock time in the zone stands for. */
export function parseTradeTime(text: string, timeZone = DEFAULT_TIME_ZONE, field = 'time'): Date {
  if (!isTradeTime(text)) {
    throw new BaofooProtocolError('TIME_MALFORMED', `${field} must be a valid yyyyMMddHHmmss time`, { field, value: text });
  }
  const [, y, mo, d, h, mi, s] = TRADE_TIME.exec(text)!.map(Number);
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  // The zone's offset at that moment, found by rendering the UTC guess in the zone.
  const offset = (guess: number) => {
    const p = wallClock(new Date(guess), timeZone);
    return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - guess;
  };
  const first = asUtc - offset(asUtc);
  return new Date(asUtc - offset(first));
}

/**
 * A `yyyyMMddHHmmss` time of the zone as ISO 8601 with the zone's offset at
 * that moment, e.g. `20261125120000` → `2026-11-25T12:00:00+08:00`: the same
 * wall clock, with the offset that makes it an instant anywhere.
 */
export function tradeTimeIso(text: string, timeZone = DEFAULT_TIME_ZONE, field = 'time'): string {
  const instant = parseTradeTime(text, timeZone, field);
  const [, y, mo, d, h, mi, s] = TRADE_TIME.exec(text)!;
  const offsetMinutes = Math.round((Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) - instant.getTime()) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
