import { NO_OBSERVER, type BaofooObserver } from '../../src/baofoo/common/observation/baofoo-observer.ts';

/**
 * The bridge's confirm batches as the bench sees them, through the module's
 * own observation point (`bridgeBatch`): how many events each
 * `waitForConfirms` covered and how long the broker took to confirm them.
 */
export class ConfirmBatches {
  sizes: number[] = [];
  confirmMs: number[] = [];

  readonly observer: BaofooObserver = {
    ...NO_OBSERVER,
    bridgeBatch: async (events, publish) => {
      const started = performance.now();
      await publish();
      this.sizes.push(events);
      this.confirmMs.push(performance.now() - started);
    },
  };

  /** The batches since the previous call. */
  take(): { batchSizes: number[]; confirmMs: number[] } {
    const taken = { batchSizes: this.sizes, confirmMs: this.confirmMs };
    this.sizes = [];
    this.confirmMs = [];
    return taken;
  }
}
