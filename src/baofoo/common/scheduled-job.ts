import type { LoggerService } from '@nestjs/common';
import type { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';

/**
 * A cron job whose expression is an option, so it is built at bootstrap
 * rather than by a static @Cron. It is registered in the app's
 * SchedulerRegistry when the app imports ScheduleModule.forRoot() (and runs
 * all the same when it does not). A tick that outlasts the interval makes the
 * next one wait (waitForCompletion); a failed tick is logged and the next one
 * tries again; the timer does not keep the process alive by itself.
 */
export class ScheduledJob {
  private job?: CronJob;

  constructor(
    private readonly name: string,
    private readonly logger: LoggerService,
    private readonly registry?: SchedulerRegistry,
  ) {}

  /** Runs `run` on `cronTime`; a run that fails is logged as `<failed>: <message>`. */
  start(cronTime: string, run: () => Promise<unknown>, failed: string): void {
    const onTick = () =>
      run().then(
        () => undefined,
        (e: unknown) => this.logger.error(`${failed}: ${(e as Error).message}`),
      );
    this.job = CronJob.from({ cronTime, onTick, waitForCompletion: true, unrefTimeout: true, start: false, name: this.name });
    if (this.registry && !this.registry.doesExist('cron', this.name)) this.registry.addCronJob(this.name, this.job);
    this.job.start();
  }

  /** Takes the job out of the registry (when it is this one there) and waits for a tick in flight. */
  async stop(): Promise<void> {
    const job = this.job;
    if (!job) return;
    if (this.registry?.doesExist('cron', this.name) && this.registry.getCronJob(this.name) === (job as unknown)) this.registry.deleteCronJob(this.name);
    await job.stop();
    this.job = undefined;
  }
}
