import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { BAOFOO_CLOCK, BAOFOO_OPTIONS } from './baofoo.constants.ts';
import { BAOFOO_MODULE_OPTIONS, BaofooConfigurableModule } from './baofoo.module-definition.ts';
import type { BaofooModuleOptions } from './config/baofoo-options.interface.ts';
import { resolveBaofooOptions } from './config/resolve-options.ts';
import { systemClock } from './protocol/trade-time.ts';
import { BaofooSigner } from './signing/baofoo-signer.service.ts';
import { BaofooSchemaCheck } from './database/schema-check.service.ts';
import { BAOFOO_EVENT_EXPORTS, BAOFOO_EVENT_PROVIDERS } from './events/baofoo-event.providers.ts';
import { BodyParserErrorRecorder } from './notifications/body-parser-error.recorder.ts';
import { IpAllowlistGuard } from './notifications/ip-allowlist.guard.ts';
import { NotificationService } from './notifications/notification.service.ts';
import { SignatureGuard } from './notifications/signature.guard.ts';
import { PaymentOrderRepository } from './orders/payment-order.repository.ts';
import { PaymentService } from './payments/payment.service.ts';
import { RECONCILIATION_EXPORTS, RECONCILIATION_PROVIDERS } from './reconciliation/reconciliation.providers.ts';

/**
 * The Baofoo gateway integration. `BaofooModule.forRoot(options)` or
 * `BaofooModule.forRootAsync({ imports, inject, useFactory })`; pass
 * `isGlobal: true` to share it app-wide. Options are validated at boot and a
 * configuration that is unsafe for its environment stops the app.
 *
 * Needs a TypeORM `DataSource` from the app (`TypeOrmModule.forRoot(baofooPostgresOptions(…))`,
 * or your own options with `BAOFOO_ENTITIES` and `BAOFOO_MIGRATIONS`). Create the app with
 * `{ rawBody: true }` so notifications are verified over the exact bytes the gateway sent.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    { provide: BAOFOO_OPTIONS, useFactory: (o: BaofooModuleOptions) => resolveBaofooOptions(o), inject: [BAOFOO_MODULE_OPTIONS] },
    { provide: BAOFOO_CLOCK, useValue: systemClock },
    BaofooSchemaCheck,
    BaofooSigner,
    PaymentOrderRepository,
    PaymentService,
    NotificationService,
    IpAllowlistGuard,
    BodyParserErrorRecorder,
    SignatureGuard,
    ...BAOFOO_EVENT_PROVIDERS,
    ...RECONCILIATION_PROVIDERS,
  ],
  exports: [BAOFOO_OPTIONS, BAOFOO_CLOCK, BaofooSigner, PaymentOrderRepository, PaymentService, NotificationService, ...BAOFOO_EVENT_EXPORTS, ...RECONCILIATION_EXPORTS],
})
export class BaofooModule extends BaofooConfigurableModule {}
