import { Inject, Injectable, Logger } from '@nestjs/common';
import { BAOFOO_CLOCK, BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import type { Clock } from '../protocol/trade-time.ts';
import { ledgerMonth } from './ledger-month.ts';
import { BAOFOO_HOUSEKEEPING, type ResolvedHousekeepingOptions } from './operations.constants.ts';
import { OperationsStore } from './operations.store.ts';

/** The refusal-count part of a housekeeping run. */
export interface RefusalCountPurge {
  /** Rows of windows that started before `windowsBefore`, deleted. */
  deleted: number;
  windowsBefore: Date;
  batches: number;
  /** Duration of each batch statement, ms. */
  batchMs: number[];
  /** True when this part stopped at `maxBatchesPerRun` with more to delete. */
  more: boolean;
}

/** One housekeeping run on this instance. */
export interface HousekeepingRun {
  /** Delivered events older than `deliveredBefore` deleted, with their delivery records. */
  deletedEvents: number;
  deletedDeliveries: number;
  deliveredBefore: Date;
  /** Batches of the event deletion. */
  batches: number;
  /** Duration of each batch statement of the event deletion, ms. */
  batchMs: number[];
  /** True when either part stopped at `maxBatchesPerRun` with more to delete. */
  more: boolean;
  /** `baofoo_refusal_counts` rows past `refusalCountRetentionDays`, deleted. */
  refusalCounts: RefusalCountPurge;
}

/** One `archiveLedgerMonth` call. */
export interface LedgerArchiveRun {
  month: string;
  /** Ledger rows moved to the archive by this call (rows an earlier, interrupted call moved are not counted again). */
  moved: number;
  batches: number;
  /** Duration of each batch statement, ms. */
  batchMs: number[];
}

interface Drained {
  batches: number;
  batchMs: number[];
  more: boolean;
}

const DAY_MS = 86_400_000;

/**
 * Keeps the event tables and the refusal counts from growing for ever:
 * deletes delivered events and their delivery records, and the refusal counts
 * of past windows, older than their retentions, in bounded batches that
 * several instances can run at once. The notification ledger is the audit
 * record and is never deleted; `archiveLedgerMonth` moves a past month to
 * `baofoo_notification_ledger_archive`, by hand, in bounded batches.
 */
@Injectable()
export class HousekeepingService {
  private readonly logger = new Logger('BaofooHousekeeping');

  constructor(
    private readonly store: OperationsStore,
    @Inject(BAOFOO_HOUSEKEEPING) private readonly options: ResolvedHousekeepingOptions,
    @Inject(BAOFOO_OPTIONS) private readonly baofoo: ResolvedBaofooOptions,
    @Inject(BAOFOO_CLOCK) private readonly clock: Clock,
  ) {}

  async runOnce(): Promise<HousekeepingRun> {
    const now = this.clock().getTime();
    const deliveredBefore = new Date(now - this.options.outboxRetentionDays * DAY_MS);
    let deletedEvents = 0;
    let deletedDeliveries = 0;
    const events = await this.drain(async () => {
      const batch = await this.store.purgeDeliveredBatch(deliveredBefore, this.options.batchSize);
      deletedEvents += batch.events;
      deletedDeliveries += batch.deliveries;
      return batch.events;
    });
    if (deletedEvents > 0) this.logger.log(`deleted ${deletedEvents} delivered event(s) and ${deletedDeliveries} delivery record(s) older than ${deliveredBefore.toISOString()}`);

    const windowsBefore = new Date(now - this.options.refusalCountRetentionDays * DAY_MS);
    let deletedCounts = 0;
    const counts = await this.drain(async () => {
      const deleted = await this.store.purgeRefusalCountBatch(windowsBefore, this.options.batchSize);
      deletedCounts += deleted;
      return deleted;
    });
    if (deletedCounts > 0) this.logger.log(`deleted ${deletedCounts} refusal count row(s) of windows before ${windowsBefore.toISOString()}`);

    return {
      deletedEvents,
      deletedDeliveries,
      deliveredBefore,
      ...events,
      more: events.more || counts.more,
      refusalCounts: { deleted: deletedCounts, windowsBefore, ...counts },
    };
  }

  /** Runs `batch` (which returns how many rows it deleted) until a batch is short or `maxBatchesPerRun` is reached. */
  private async drain(batch: () => Promise<number>): Promise<Drained> {
    const run: Drained = { batches: 0, batchMs: [], more: false };
    for (;;) {
      const started = performance.now();
      const deleted = await batch();
      run.batchMs.push(performance.now() - started);
      run.batches++;
      if (deleted < this.options.batchSize) return run;
      if (run.batches >= this.options.maxBatchesPerRun) return { ...run, more: true };
    }
  }

  /**
   * Moves the ledger rows of a past month (`YYYY-MM`, in the protocol's time
   * zone) to `baofoo_notification_ledger_archive`, `archiveBatchSize` rows per
   * statement so that each fits the pool's statement timeout. Each batch is
   * atomic: after a crash or a failed batch nothing is lost or doubled, and
   * running it again for the month carries on where it stopped. Dump or
   * detach the archive table as your retention rules say.
   */
  async archiveLedgerMonth(month: string): Promise<LedgerArchiveRun> {
    const { from, to } = ledgerMonth(month, this.baofoo.timeZone, this.clock());
    const run: LedgerArchiveRun = { month, moved: 0, batches: 0, batchMs: [] };
    let after = from;
    try {
      for (;;) {
        const started = performance.now();
        const batch = await this.store.archiveLedgerBatch(after, to, this.options.archiveBatchSize);
        run.batchMs.push(performance.now() - started);
        run.batches++;
        run.moved += batch.moved;
        if (batch.moved < this.options.archiveBatchSize || !batch.last) break;
        after = batch.last;
      }
    } catch (e) {
      this.logger.error(`archiving ${month} stopped after ${run.moved} ledger row(s) moved: ${(e as Error).message}; run it again to move the rest`);
      throw e;
    }
    this.logger.log(`archived ${run.moved} ledger row(s) of ${month} in ${run.batches} batch(es), the longest ${Math.round(Math.max(...run.batchMs))} ms`);
    return run;
  }
}
