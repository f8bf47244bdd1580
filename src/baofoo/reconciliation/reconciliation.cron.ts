import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { ReconciliationService } from './reconciliation.service.ts';

/** Name of the job in the app's SchedulerRegistry. */
export const RECONCILIATION_CRON_JOB = 'baofoo-reconciliation';

/**
 * Ticks `ReconciliationService.runOnce` on `reconciliation.cron`. The
 * expression comes from the options, so the job is built at bootstrap rather
 * than by a static @Cron; it is registered in the app's SchedulerRegistry when
 * the app imports ScheduleModule.forRoot() (and runs all the same when it
 * does not). A tick that outlasts the interval makes the next one wait
 * (waitForCompletion); the timer does not keep the process alive by itself.
 */
@Injectable()
export class ReconciliationCron implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('BaofooReconciliation');
  private job?: CronJob;

  constructor(
    @Inject(BAOFOO_OPTIONS) private readonly options: ResolvedBaofooOptions,
    private readonly reconciliation: ReconciliationService,
    @Optional() private readonly registry?: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const { enabled, cron } = this.options.reconciliation;
    if (!enabled) return;
    this.job = CronJob.from({ cronTime: cron, onTick: () => this.tick(), waitForCompletion: true, unrefTimeout: true, start: false, name: RECONCILIATION_CRON_JOB });
    if (this.registry && !this.registry.doesExist('cron', RECONCILIATION_CRON_JOB)) this.registry.addCronJob(RECONCILIATION_CRON_JOB, this.job);
    this.job.start();
    this.logger.log(`reconciliation scheduled on "${cron}"`);
  }

  // Before the app's shutdown hooks close the DataSource: a tick in flight finishes first.
  async onModuleDestroy(): Promise<void> {
    if (!this.job) return;
    if (this.registry?.doesExist('cron', RECONCILIATION_CRON_JOB) && this.registry.getCronJob(RECONCILIATION_CRON_JOB) === (this.job as unknown)) {
      this.registry.deleteCronJob(RECONCILIATION_CRON_JOB);
    }
    await this.job.stop();
    this.job = undefined;
  }

  /** The trigger: one tick; a failed tick is logged and the next one tries again. */
  async tick(): Promise<void> {
    await this.reconciliation.runOnce().then(
      () => undefined,
      (e: unknown) => this.logger.error(`reconciliation tick failed: ${(e as Error).message}`),
    );
  }
}
