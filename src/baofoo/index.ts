// The public API of the package's main entry. Anything not exported here is internal:
// SQL builders and repository writes that bypass the state machine stay unexported.
// Test helpers: `nestjs-baofoo/testing`; the terminus indicator: `nestjs-baofoo/health`.
export { BaofooModule } from './baofoo.module.ts';
export { BAOFOO_CLOCK, BAOFOO_OPTIONS } from './baofoo.constants.ts';
export type {
  BaofooDatabaseOptions,
  BaofooEnvironment,
  BaofooKeyOptions,
  BaofooKeyStorage,
  BaofooMerchantOptions,
  BaofooModuleOptions,
  BaofooNotificationOptions,
  BaofooOutboxOptions,
  BaofooReconciliationOptions,
  BaofooRefusalOptions,
} from './config/baofoo-options.interface.ts';
export type { ResolvedBaofooOptions } from './config/resolved-options.ts';
export { baofooConfig, baofooOptionsFromEnv, envFilePaths, readEnvFiles } from './config/baofoo-env.config.ts';
export { BaofooConfigError, resolveBaofooOptions } from './config/resolve-options.ts';
export { productionProblems } from './config/production-rules.ts';
export { decryptKey, encryptKey, parseMasterKey } from './config/key-encryption.ts';
export { resolveKeySecret, type KeySource } from './config/key-source.ts';
export { BAOFOO_ENTITIES } from './database/baofoo-entities.ts';
export { BAOFOO_MIGRATIONS } from './database/baofoo-migrations.ts';
export { baofooPostgresOptions, type BaofooPostgresOptions } from './database/postgres-options.ts';
export { BaofooDatabaseTlsError, retryUnlessTlsMismatch } from './database/database-tls.ts';
export { BaofooDatabase, BaofooDatabaseError, DATABASE_ERRORS, type BaofooDatabaseSettings, type BaofooTransaction } from './database/baofoo-database.ts';
export type { BaofooModuleExtras } from './baofoo.module-definition.ts';
export { PaymentOrderEntity } from './orders/payment-order.entity.ts';
export type { OrderRow } from './orders/payment-order.repository.ts';
export type { OrderStatus, SettlementSource } from './orders/order-status.ts';
export { NotificationLedgerEntity } from './notifications/notification-ledger.entity.ts';
export type { NotificationVerdict } from './notifications/notification-verdict.ts';
export { IpAllowlistGuard } from './notifications/ip-allowlist.guard.ts';
export { SignatureGuard } from './notifications/signature.guard.ts';
export { NotificationService } from './notifications/notification.service.ts';
export { RefusalRecorder } from './notifications/refusal.recorder.ts';
export { PaymentService, PaymentRequestError, type CreatedPayment } from './payments/payment.service.ts';
export { CreatePaymentDto } from './payments/create-payment.dto.ts';
export { PaymentOrders, OrderLookupError } from './payments/payment-orders.service.ts';
export type { GatewayTime, PaymentOrderLedgerEntry, PaymentOrderView } from './payments/payment-order-view.ts';
export { BaofooSigner, type SignatureCheck } from './signing/baofoo-signer.service.ts';
export * from './protocol/index.ts';
export * from './events/baofoo-events.ts';
export { OnBaofooEvent, type BaofooDeliveryContext, type OnBaofooEventOptions } from './events/on-baofoo-event.decorator.ts';
export type { BaofooBackoffOptions, BaofooDeliveryOptions } from './config/baofoo-options.interface.ts';
export { OutboxRelay } from './events/outbox-relay.service.ts';
export { OutboxMonitor, type OutboxHealth } from './events/outbox-monitor.service.ts';
export { OutboxAdminService } from './events/outbox-admin.service.ts';
export type { DeadLetter, DeadLetterFilter } from './events/dead-letter-replay.ts';
export type { RetryBackoff } from './events/retry-backoff.ts';
export { EventDeliveryEntity, type EventDeliveryStatus } from './events/event-delivery.entity.ts';
export { OutboxEventEntity } from './events/outbox-event.entity.ts';
export { ReconciliationService } from './reconciliation/reconciliation.service.ts';
export { GatewayQueryClient, type GatewayQueryResult, type QueryTarget } from './reconciliation/gateway-query.client.ts';
export * from './reconciliation/gateway-query.errors.ts';
export { RECONCILIATION_CRON_JOB } from './reconciliation/reconciliation.cron.ts';
export type { QueryOutcome, QueryOutcomeKind, ReconciliationRun } from './reconciliation/reconciliation-outcome.ts';
export { BaofooOperationsModule } from './operations/baofoo-operations.module.ts';
export type { BaofooHousekeepingOptions, BaofooMetricsOptions, BaofooOperationsOptions } from './operations/operations-options.ts';
export { ReviewResolutionService, type ResolvedReview } from './operations/review-resolution.service.ts';
export type { ReviewOutcome, ReviewResolution } from './operations/review-resolution.ts';
export { HousekeepingService, type HousekeepingRun, type LedgerArchiveRun, type RefusalCountPurge } from './operations/housekeeping.service.ts';
export { HOUSEKEEPING_CRON_JOB } from './operations/housekeeping.cron.ts';
export { BaofooOperationsError } from './operations/operations.errors.ts';
export { NotificationLedgerArchiveEntity } from './operations/notification-ledger-archive.entity.ts';
export { BaofooBoardModule } from './board/baofoo-board.module.ts';
export type { BaofooBoardOptions } from './board/board-options.ts';
export { AllowedHostGuard } from './board/allowed-host.guard.ts';
