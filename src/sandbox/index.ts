export { startSandboxGateway, SandboxGateway, type PayOptions, type PayReceipt, type WaitOptions } from './sandbox-gateway.ts';
export { DEFAULT_RETRY_DELAYS_MS, PUBLISHED_TEST_MERCHANT, type NotifyMethod, type SandboxMerchant, type SandboxOptions } from './sandbox.options.ts';
export { mergeFaults, validateFaults, type SandboxFaults } from './faults.ts';
export { isAcknowledged, type DeliveryReport } from './notifier.ts';
export { OutcomeError, type SandboxOutcome, type SandboxSettlement } from './outcome.ts';
export type { SandboxPaymentState, SandboxPaymentView } from './payment.store.ts';
export type {
  BrowserReturnRecord,
  DeliveryKind,
  DeliveryRecord,
  NotificationRecord,
  OutcomeRecord,
  PayindexRecord,
  QueryRecord,
  RecordFilter,
  SandboxRecord,
  SandboxRecordType,
} from './recorder.ts';
