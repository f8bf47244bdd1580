import type { FactoryProvider } from '@nestjs/common';
import { BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import { BaofooConfigError } from '../config/resolve-options.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { allowedHostNames } from './allowed-hosts.ts';
import { BAOFOO_BOARD_OPTIONS, type BaofooBoardOptions } from './board-options.ts';

/** The host names the board's routes answer on (`AllowedHostGuard`); exported for the app's other operator routes (metrics). */
export const BOARD_ALLOWED_HOSTS = Symbol('BOARD_ALLOWED_HOSTS');

/** Reads `allowedHosts` once, at boot: an entry that is no host name stops the app, naming it. */
export const allowedHostsProvider: FactoryProvider<ReadonlySet<string>> = {
  provide: BOARD_ALLOWED_HOSTS,
  inject: [BAOFOO_OPTIONS, BAOFOO_BOARD_OPTIONS],
  useFactory: (options: ResolvedBaofooOptions, board: BaofooBoardOptions) => {
    try {
      return allowedHostNames(board.allowedHosts, options.boundDomains);
    } catch (e) {
      throw new BaofooConfigError([`BaofooBoardModule ${(e as Error).message}`]);
    }
  },
};
