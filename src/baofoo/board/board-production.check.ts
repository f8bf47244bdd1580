import type { FactoryProvider } from '@nestjs/common';
import { BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import { boardProductionProblems } from '../config/production-rules.ts';
import { BaofooConfigError } from '../config/resolve-options.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { BAOFOO_BOARD_OPTIONS, boardPath, type BaofooBoardOptions } from './board-options.ts';

const BOARD_PRODUCTION_CHECK = Symbol('BOARD_PRODUCTION_CHECK');

/**
 * Stops a production app while its modules are built when the board would be
 * mounted without a guard: a provider whose factory throws, so the refusal
 * comes before anything listens.
 */
export const boardProductionCheck: FactoryProvider<true> = {
  provide: BOARD_PRODUCTION_CHECK,
  inject: [BAOFOO_OPTIONS, BAOFOO_BOARD_OPTIONS],
  useFactory: (options: ResolvedBaofooOptions, board: BaofooBoardOptions) => {
    const problems = options.environment === 'production' ? boardProductionProblems({ ...board, path: boardPath(board) }) : [];
    if (problems.length > 0) throw new BaofooConfigError(problems);
    return true;
  },
};
