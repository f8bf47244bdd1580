import { Inject, Module, type DynamicModule, type MiddlewareConsumer, type NestModule, type Type } from '@nestjs/common';
import { OperationsStore } from '../operations/operations.store.ts';
import { ReviewResolutionService } from '../operations/review-resolution.service.ts';
import { AllowedHostGuard } from './allowed-host.guard.ts';
import { allowedHostsProvider, BOARD_ALLOWED_HOSTS } from './allowed-hosts.provider.ts';
import { BAOFOO_BOARD_OPTIONS, type BaofooBoardOptions } from './board-options.ts';
import { boardProductionCheck } from './board-production.check.ts';
import { boardController } from './board.controller.ts';
import { BoardReader } from './board.reader.ts';
import { BoardService } from './board.service.ts';
import { FarAmountCheck } from './far-amount.check.ts';
import { FrameDenialMiddleware } from './frame-denial.middleware.ts';
import { SameOriginGuard } from './same-origin.guard.ts';

const BOARD_CONTROLLER = Symbol('BOARD_CONTROLLER');

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
 * It answers only on `allowedHosts`; `AllowedHostGuard` is exported for the
 * app's other operator routes (e.g. /metrics). Needs `BaofooModule` with
 * `isGlobal: true`. Forms post url-encoded bodies: Express parses them by
 * default; on Fastify register `@fastify/formbody`.
 */
@Module({})
export class BaofooBoardModule implements NestModule {
  constructor(@Inject(BOARD_CONTROLLER) private readonly controller: Type<unknown>) {}

  static register(options: BaofooBoardOptions = {}): DynamicModule {
    const controller = boardController(options);
    return {
      module: BaofooBoardModule,
      controllers: [controller],
      providers: [
        { provide: BAOFOO_BOARD_OPTIONS, useValue: options },
        { provide: BOARD_CONTROLLER, useValue: controller },
        allowedHostsProvider,
        AllowedHostGuard,
        BoardReader,
        BoardService,
        FarAmountCheck,
        OperationsStore,
        ReviewResolutionService,
        SameOriginGuard,
        boardProductionCheck,
      ],
      exports: [BOARD_ALLOWED_HOSTS, AllowedHostGuard],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(FrameDenialMiddleware).forRoutes(this.controller);
  }
}
