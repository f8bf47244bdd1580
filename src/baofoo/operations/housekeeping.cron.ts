import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { HousekeepingService } from './housekeeping.service.ts';
import { BAOFOO_HOUSEKEEPING, type ResolvedHousekeepingOptions } from './operations.constants.ts';

/** Name of the job in the app's SchedulerRegistry. */
export const HOUSEKEEPING_CRON_JOB = 'baofoo-housekeeping';

/** Ticks `HousekeepingService.runOnce` on `housekeeping.cron` (built at bootstrap: the expression is an option). */
@Injectable()
export class HousekeepingCron implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('BaofooHousekeeping');
  private job?: CronJob;

  constructor(
    @Inject(BAOFOO_HOUSEKEEPING) private readonly options: ResolvedHousekeepingOptions,
    private readonly housekeeping: HousekeepingService,
    @Optional() private readonly registry?: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.enabled) return;
    this.job = CronJob.from({ cronTime: this.options.cron, onTick: () => this.tick(), waitForCompletion: true, unrefTimeout: true, start: false, name: HOUSEKEEPING_CRON_JOB });
    if (this.registry && !this.registry.doesExist('cron', HOUSEKEEPING_CRON_JOB)) this.registry.addCronJob(HOUSEKEEPING_CRON_JOB, this.job);
    this.job.start();
  }

  async onModuleDestroy(): Promise<void> {
    if (!this.job) return;
    if (this.registry?.doesExist('cron', HOUSEKEEPING_CRON_JOB) && this.registry.getCronJob(HOUSEKEEPING_CRON_JOB) === (this.job as unknown)) this.registry.deleteCronJob(HOUSEKEEPING_CRON_JOB);
    await this.job.stop();
    this.job = undefined;
  }

  /** The trigger: one run; a failed run is logged and the next one tries again. */
  tick(): Promise<void> {
    return this.housekeeping.runOnce().then(
      () => undefined,
      (e: unknown) => this.logger.error(`housekeeping failed: ${(e as Error).message}`),
    );
  }
}
