import type { CanActivate, Type } from '@nestjs/common';

/** Where and behind what the operator board is mounted (`BaofooBoardModule.register`). */
export interface BaofooBoardOptions {
  /** The board's path, under the app's global prefix. Default `baofoo-board`. */
  path?: string;
  /**
   * Guards on every route of the board: the app's own authentication and
   * authorisation. The board can pay orders by hand: in production the app
   * refuses to boot with none, unless `appGuarded` says an app-wide guard
   * protects it.
   */
  guards?: (CanActivate | Type<CanActivate>)[];
  /**
   * The board's routes are protected by an app-wide guard (`APP_GUARD`, or a
   * gateway in front of the app) instead of `guards`. Production requires one
   * of the two.
   */
  appGuarded?: boolean;
  /**
   * Who is acting, from the request (e.g. the user the app's guard put on
   * it). When given, the resolve form does not ask for a name, and the name
   * written to the ledger is this one.
   */
  operatorOf?: (request: unknown) => string | undefined;
  /**
   * Host names the board answers on (Host, or X-Forwarded-Host from a proxy
   * in `notification.trustedProxies`); any other is refused with 421
   * `HOST_NOT_ALLOWED`, which stops DNS rebinding (a page on a name that
   * resolves to this machine). Bare names, exact, port ignored. Default: the
   * loopback names `localhost`, `127.0.0.1`, `[::1]` and the module's
   * `boundDomains`. Given, it replaces the default.
   */
  allowedHosts?: string[];
  /**
   * IANA zone of every time the board shows, written after it (e.g.
   * `2026-03-01 10:20:30 Asia/Shanghai`). Default `Asia/Shanghai`, the
   * gateway's, so they read beside its SuccTime.
   */
  timeZone?: string;
  /** Days shown in the orders-by-status chart. Default 14. */
  chartDays?: number;
}

export const BAOFOO_BOARD_OPTIONS = Symbol('BAOFOO_BOARD_OPTIONS');

export function boardPath(options: BaofooBoardOptions): string {
  return (options.path ?? 'baofoo-board').replace(/^\/+|\/+$/g, '');
}
