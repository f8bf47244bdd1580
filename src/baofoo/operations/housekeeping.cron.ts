import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { ScheduledJob } from '../common/scheduled-job.ts';
import { HousekeepingService } from './housekeeping.service.ts';
import { BAOFOO_HOUSEKEEPING, type ResolvedHousekeepingOptions } from './operations.constants.ts';

/** Name of the job in the app's SchedulerRegistry. */
export const HOUSEKEEPING_CRON_JOB = 'baofoo-housekeeping';

/** Ticks `HousekeepingService.runOnce` on `housekeeping.cron` (see ScheduledJob). */
@Injectable()
export class HousekeepingCron implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('BaofooHousekeeping');
  private readonly job: ScheduledJob;

  constructor(
    @Inject(BAOFOO_HOUSEKEEPING) private readonly options: ResolvedHousekeepingOptions,
    private readonly housekeeping: HousekeepingService,
    @Optional() registry?: SchedulerRegistry,
  ) {
    this.job = new ScheduledJob(HOUSEKEEPING_CRON_JOB, this.logger, registry);
  }

  onApplicationBootstrap(): void {
    if (this.options.enabled) this.job.start(this.options.cron, () => this.housekeeping.runOnce(), 'housekeeping failed');
  }

  onModuleDestroy(): Promise<void> {
    return this.job.stop();
  }
}
