import { DEFAULT_TIME_ZONE } from '../protocol/trade-time.ts';
import { isTimeZone, wallClock } from '../protocol/zoned-time.ts';

/** The zones the board names on its pages. */
export interface BoardTimes {
  /** Zone of the times the board renders (created, received, delivered…): the board option `timeZone`. */
  zone: string;
  /** Zone of the gateway's own times (SuccTime), shown as the gateway sent them: the module's `timeZone`. */
  protocolZone: string;
}

/** The board option `timeZone`, checked at registration: an unknown zone stops the boot rather than every page. */
export function boardTimeZone(timeZone: string | undefined): string {
  const zone = timeZone ?? DEFAULT_TIME_ZONE;
  if (!isTimeZone(zone)) throw new TypeError(`BaofooBoardModule: timeZone ${JSON.stringify(zone)} is not an IANA time zone (e.g. Asia/Shanghai, UTC)`);
  return zone;
}

/**
 * `2026-03-01 10:20:30 Asia/Shanghai`: a time with the zone it is written in,
 * so it reads unambiguously beside the gateway's SuccTime.
 */
export function formatBoardTime(at: Date, zone: string): string {
  const parts = wallClock(at, zone);
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${zone}`;
}
