import { Inject, Injectable, Logger } from '@nestjs/common';
import { BAOFOO_CLOCK, BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import type { Clock } from '../protocol/trade-time.ts';
import { ledgerMonth } from './ledger-month.ts';
import { BAOFOO_HOUSEKEEPING, type ResolvedHousekeepingOptions } from './operations.constants.ts';
import { OperationsStore } from './operations.store.ts';

/** One housekeeping run on this instance. */
export interface HousekeepingRun {
  /** Delivered events older than `deliveredBefore` deleted, with their delivery records. */
  deletedEvents: number;
  deletedDeliveries: number;
  deliveredBefore: Date;
  batches: number;
  /** Duration of each batch statement, ms. */
  batchMs: number[];
  /** True when the run stopped at `maxBatchesPerRun` with more to delete. */
  more: boolean;
}

const DAY_MS = 86_400_000;

/**
 * Keeps the event tables from growing for ever: deletes delivered events and
 * their delivery records older than the retention, in bounded batches that
 * several instances can run at once. The notification ledger is the audit
 * record and is never deleted; `archiveLedgerMonth` moves a past month to
 * `baofoo_notification_ledger_archive`, by hand.
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
    const deliveredBefore = new Date(this.clock().getTime() - this.options.outboxRetentionDays * DAY_MS);
    const run: HousekeepingRun = { deletedEvents: 0, deletedDeliveries: 0, deliveredBefore, batches: 0, batchMs: [], more: false };
    for (;;) {
      const started = performance.now();
      const batch = await this.store.purgeDeliveredBatch(deliveredBefore, this.options.batchSize);
      run.batchMs.push(performance.now() - started);
      run.batches++;
      run.deletedEvents += batch.events;
      run.deletedDeliveries += batch.deliveries;
      if (batch.events < this.options.batchSize) break;
      if (run.batches >= this.options.maxBatchesPerRun) {
        run.more = true;
        break;
      }
    }
    if (run.deletedEvents > 0) this.logger.log(`deleted ${run.deletedEvents} delivered event(s) and ${run.deletedDeliveries} delivery record(s) older than ${deliveredBefore.toISOString()}`);
    return run;
  }

  /**
   * Moves the ledger rows of a past month (`YYYY-MM`, in the protocol's time
   * zone) to `baofoo_notification_ledger_archive` in one transaction; returns
   * how many moved. Dump or detach the archive table as your retention rules say.
   */
  async archiveLedgerMonth(month: string): Promise<number> {
    const { from, to } = ledgerMonth(month, this.baofoo.timeZone, this.clock());
    const moved = await this.store.archiveLedger(from, to);
    this.logger.log(`archived ${moved} ledger row(s) of ${month}`);
    return moved;
  }
}
