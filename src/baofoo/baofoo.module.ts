import { Inject, Module, RequestMethod, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { BAOFOO_CLOCK, BAOFOO_OPTIONS } from './baofoo.constants.ts';
import { BAOFOO_MODULE_OPTIONS, BaofooConfigurableModule, type BaofooModuleAsyncOptions } from './baofoo.module-definition.ts';
import type { BaofooModuleOptions } from './config/baofoo-options.interface.ts';
import { resolveBaofooOptions } from './config/resolve-options.ts';
import { systemClock, type Clock } from './protocol/trade-time.ts';
import { BaofooSigner } from './signing/baofoo-signer.service.ts';
import { BaofooObservation } from './common/observation/baofoo-observation.ts';
import type { ResolvedBaofooOptions } from './config/resolved-options.ts';
import { AnswerDeadlineMiddleware } from './database/answer-deadline.middleware.ts';
import { BaofooDatabase } from './database/baofoo-database.ts';
import { BAOFOO_DATABASE_PROVIDERS } from './database/baofoo-database.provider.ts';
import { BaofooSchemaCheck } from './database/schema-check.service.ts';
import { BAOFOO_EVENT_EXPORTS, BAOFOO_EVENT_PROVIDERS } from './events/baofoo-event.providers.ts';
import { MountedRoutes } from './mounted-routes.ts';
import { BodyParserErrorRecorder } from './notifications/body-parser-error.recorder.ts';
import { IpAllowlistGuard } from './notifications/ip-allowlist.guard.ts';
import { KeepAliveDrain } from './notifications/keep-alive-drain.ts';
import { NotificationIntake } from './notifications/notification-intake.ts';
import { NotificationService } from './notifications/notification.service.ts';
import { SettlementService } from './orders/settlement.service.ts';
import { RefusalCountStore } from './notifications/refusal-count.store.ts';
import { RefusalRecorder } from './notifications/refusal.recorder.ts';
import { SignatureGuard } from './notifications/signature.guard.ts';
import { PaymentOrderRepository } from './orders/payment-order.repository.ts';
import { PaymentService } from './payments/payment.service.ts';
import { PaymentOrders } from './payments/payment-orders.service.ts';
import { OrderStoryReader } from './orders/order-story.reader.ts';
import { RECONCILIATION_EXPORTS, RECONCILIATION_PROVIDERS } from './reconciliation/reconciliation.providers.ts';

/**
 * The Baofoo gateway integration. `BaofooModule.forRoot(options)` or
 * `BaofooModule.forRootAsync({ imports, inject, useFactory })`; pass
 * `isGlobal: true` to share it app-wide. Options are validated at boot and a
 * configuration that is unsafe for its environment stops the app.
 *
 * Needs a PostgreSQL TypeORM `DataSource` from the app (`TypeOrmModule.forRoot(baofooPostgresOptions(…))`,
 * or your own options with `BAOFOO_ENTITIES` and `BAOFOO_MIGRATIONS`; name another one with the
 * `dataSource` extra). The module connects like it, on a pool of its own (`BaofooDatabase`). Runs on
 * Express or Fastify; notification bodies are read before the app's body parsers (NotificationIntake).
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    { provide: BAOFOO_OPTIONS, useFactory: (o: BaofooModuleOptions, clock: Clock) => resolveBaofooOptions(o, clock()), inject: [BAOFOO_MODULE_OPTIONS, BAOFOO_CLOCK] },
    { provide: BAOFOO_CLOCK, useValue: systemClock },
    BaofooObservation,
    BaofooSchemaCheck,
    BaofooSigner,
    ...BAOFOO_DATABASE_PROVIDERS,
    PaymentOrderRepository,
    SettlementService,
    PaymentService,
    OrderStoryReader,
    PaymentOrders,
    NotificationService,
    RefusalCountStore,
    RefusalRecorder,
    IpAllowlistGuard,
    MountedRoutes,
    NotificationIntake,
    KeepAliveDrain,
    BodyParserErrorRecorder,
    SignatureGuard,
    ...BAOFOO_EVENT_PROVIDERS,
    ...RECONCILIATION_PROVIDERS,
  ],
  exports: [BAOFOO_OPTIONS, BAOFOO_CLOCK, BaofooObservation, BaofooDatabase, BaofooSigner, PaymentOrderRepository, SettlementService, PaymentService, OrderStoryReader, PaymentOrders, NotificationService, RefusalRecorder, ...BAOFOO_EVENT_EXPORTS, ...RECONCILIATION_EXPORTS],
})
export class BaofooModule extends BaofooConfigurableModule implements NestModule {
  /** Nest's `forRootAsync`, typed so that a property the options do not have, at any depth, in what `useFactory` returns is a type error. */
  static override forRootAsync<T extends BaofooModuleOptions>(options: BaofooModuleAsyncOptions<T>): DynamicModule {
    return super.forRootAsync(options);
  }

  constructor(@Inject(BAOFOO_OPTIONS) private readonly options: ResolvedBaofooOptions) {
    super();
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AnswerDeadlineMiddleware).forRoutes({ path: this.options.notification.path, method: RequestMethod.ALL });
  }
}
