// What an app imports. Everything else is internal; protocol helpers: `nestjs-baofoo/protocol`,
// test helpers: `/testing`, the local gateway: `/sandbox`, the terminus indicator: `/health`.
// A change here changes api/nestjs-baofoo.api.md: run `npm run api:report` (docs/architecture/api.md).

// The module and its options.
export { BaofooModule } from './baofoo.module.ts';
export type { BaofooModuleAsyncOptions, BaofooModuleExtras } from './baofoo.module-definition.ts';
export type * from './config/baofoo-options.interface.ts';
export type { ResolvedBaofooOptions } from './config/resolved-options.ts';

// Configuration from the environment, and the database.
export { baofooConfig, baofooOptionsFromEnv, envFilePaths } from './config/baofoo-env.config.ts';
export { baofooPostgresOptions, type BaofooPostgresOptions } from './database/postgres-options.ts';
export { retryUnlessTlsMismatch } from './database/database-tls.ts';
export { BAOFOO_ENTITIES } from './database/baofoo-entities.ts';
export { BAOFOO_MIGRATIONS } from './database/baofoo-migrations.ts';

// Taking payments.
export { PaymentService, type CreatedPayment } from './payments/payment.service.ts';
export { CreatePaymentDto } from './payments/create-payment.dto.ts';
export type { OrderRow } from './orders/payment-order.repository.ts';
export type { OrderStatus, SettlementSource } from './orders/order-status.ts';
export { PaymentOrders } from './payments/payment-orders.service.ts';
export type { GatewayTime, PaymentOrderLedgerEntry, PaymentOrderView } from './payments/payment-order-view.ts';

// Events: what happened to an order, delivered at least once to `@OnBaofooEvent` listeners.
export type * from './events/baofoo-events.ts';
export { BAOFOO_EVENT_NAMES, BAOFOO_EVENTS_EXCHANGE } from './events/baofoo-events.ts';
export { OnBaofooEvent, type BaofooDeliveryContext, type OnBaofooEventOptions } from './events/on-baofoo-event.decorator.ts';
export type { RetryBackoff } from './events/retry-backoff.ts';
export { OutboxMonitor, type OutboxHealth } from './events/outbox-monitor.service.ts';
export { OutboxAdminService } from './events/outbox-admin.service.ts';
export type { DeadLetter, DeadLetterFilter } from './events/dead-letter-replay.ts';

// Reconciliation, operations and the operator board.
export { ReconciliationService } from './reconciliation/reconciliation.service.ts';
export type { QueryOutcome, QueryOutcomeKind, ReconciliationRun } from './reconciliation/reconciliation-outcome.ts';
export { BaofooOperationsModule } from './operations/baofoo-operations.module.ts';
export type { BaofooHousekeepingOptions, BaofooMetricsOptions, BaofooMetricsRegistry, BaofooOperationsOptions } from './operations/operations-options.ts';
export { ReviewResolutionService, type ResolvedReview } from './operations/review-resolution.service.ts';
export type { ReviewOutcome, ReviewResolution } from './operations/review-resolution.ts';
export { HousekeepingService, type HousekeepingRun, type LedgerArchiveRun, type RefusalCountPurge } from './operations/housekeeping.service.ts';
export { BaofooBoardModule } from './board/baofoo-board.module.ts';
export type { BaofooBoardOptions } from './board/board-options.ts';

// Guards an app may extend (protected hooks), and the signer the signature guard's hook receives.
export { IpAllowlistGuard, type NotifierRequest } from './notifications/ip-allowlist.guard.ts';
export { SignatureGuard } from './notifications/signature.guard.ts';
export { AllowedHostGuard } from './board/allowed-host.guard.ts';
export { BaofooSigner, type SignatureCheck } from './signing/baofoo-signer.service.ts';

// Errors: each carries a stable `code`; those the caller can fix (PaymentRequestError, OrderLookupError) are HttpExceptions answering 4xx.
export { BaofooError } from './protocol/errors.ts';
export { BaofooConfigError } from './config/resolve-options.ts';
export { PaymentRequestError } from './payments/payment.service.ts';
export { OrderLookupError } from './payments/order-lookup.error.ts';
export { BaofooDatabaseError, DATABASE_ERRORS } from './database/baofoo-database.ts';
export { BaofooDatabaseTlsError, DATABASE_TLS_ERRORS } from './database/database-tls.ts';
export { GatewayQueryError } from './reconciliation/gateway-query.errors.ts';
export { BaofooOperationsError } from './operations/operations.errors.ts';
