import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import { ScheduledJob } from '../common/scheduled-job.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { ReconciliationService } from './reconciliation.service.ts';

/** Name of the job in the app's SchedulerRegistry. */
export const RECONCILIATION_CRON_JOB = 'baofoo-reconciliation';

/** Ticks `ReconciliationService.runOnce` on `reconciliation.cron` (see ScheduledJob). */
@Injectable()
export class ReconciliationCron implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('BaofooReconciliation');
  private readonly job: ScheduledJob;

  constructor(
    @Inject(BAOFOO_OPTIONS) private readonly options: ResolvedBaofooOptions,
    private readonly reconciliation: ReconciliationService,
    @Optional() registry?: SchedulerRegistry,
  ) {
    this.job = new ScheduledJob(RECONCILIATION_CRON_JOB, this.logger, registry);
  }

  onApplicationBootstrap(): void {
    const { enabled, cron } = this.options.reconciliation;
    if (!enabled) return;
    this.job.start(cron, () => this.reconciliation.runOnce(), 'reconciliation tick failed');
    this.logger.log(`reconciliation scheduled on "${cron}"`);
  }

  // Before the app's shutdown hooks close the pools: a tick in flight finishes its queries in flight and hands the rest back.
  onModuleDestroy(): Promise<void> {
    this.reconciliation.stop();
    return this.job.stop();
  }
}
