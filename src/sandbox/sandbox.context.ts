import type { FaultBook } from './faults.ts';
import type { Notifier } from './notifier.ts';
import type { PaymentStore } from './payment.store.ts';
import type { Recorder } from './recorder.ts';
import type { ResolvedSandboxOptions, SandboxMerchant } from './sandbox.options.ts';

/** The sandbox's in-memory state, shared by its handlers. */
export interface SandboxContext {
  readonly options: ResolvedSandboxOptions;
  readonly store: PaymentStore;
  readonly faults: FaultBook;
  readonly recorder: Recorder;
  readonly notifier: Notifier;
  findMerchant(memberId: string, terminalId: string): Readonly<Required<SandboxMerchant>> | undefined;
}
