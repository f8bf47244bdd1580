import { Module, type DynamicModule } from '@nestjs/common';
import { OperationsStore } from '../operations/operations.store.ts';
import { ReviewResolutionService } from '../operations/review-resolution.service.ts';
import { BAOFOO_BOARD_OPTIONS, type BaofooBoardOptions } from './board-options.ts';
import { boardProductionCheck } from './board-production.check.ts';
import { boardController } from './board.controller.ts';
import { BoardReader } from './board.reader.ts';
import { BoardService } from './board.service.ts';
import { SameOriginGuard } from './same-origin.guard.ts';

/**
 * A read-mostly operator page, mounted where the app likes, like
 * `@bull-board/nestjs` does for queues: orders by status over time, the
 * REVIEW queue with a resolve action, mismatches, dead letters with replay,
 * the reconciliation backlog, and a TransID search that shows an order's
 * whole story. Server-rendered HTML, nothing loaded from outside.
 *
 *     BaofooBoardModule.register({ path: 'admin', guards: [AdminGuard] })
 *
 * In production it refuses to boot without `guards` (or `appGuarded: true`).
 * Needs `BaofooModule` with `isGlobal: true`. Forms post url-encoded bodies:
 * Express parses them by default; on Fastify register `@fastify/formbody`.
 */
@Module({})
export class BaofooBoardModule {
  static register(options: BaofooBoardOptions = {}): DynamicModule {
    return {
      module: BaofooBoardModule,
      controllers: [boardController(options)],
      providers: [{ provide: BAOFOO_BOARD_OPTIONS, useValue: options }, BoardReader, BoardService, OperationsStore, ReviewResolutionService, SameOriginGuard, boardProductionCheck],
    };
  }
}
