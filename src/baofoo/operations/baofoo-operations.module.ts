import { Module } from '@nestjs/common';
import { BaofooInstrumentation } from '../metrics/baofoo-instrumentation.ts';
import { MetricsReader } from '../metrics/metrics.reader.ts';
import { BAOFOO_OPERATIONS_OPTIONS, BaofooOperationsConfigurableModule } from './baofoo-operations.module-definition.ts';
import { HousekeepingCron } from './housekeeping.cron.ts';
import { HousekeepingService } from './housekeeping.service.ts';
import { BAOFOO_HOUSEKEEPING } from './operations.constants.ts';
import { resolveHousekeeping, type BaofooOperationsOptions } from './operations-options.ts';
import { OperationsStore } from './operations.store.ts';
import { ReviewResolutionService } from './review-resolution.service.ts';

/**
 * What an operations team needs beside `BaofooModule`: Prometheus metrics and
 * OpenTelemetry spans, REVIEW resolution, and housekeeping of the event
 * tables. `BaofooOperationsModule.forRoot({ metrics: true })` or `forRootAsync`.
 *
 * Import `BaofooModule` with `isGlobal: true` (this module uses its services)
 * and a TypeORM DataSource; import `ScheduleModule.forRoot()` to see the
 * housekeeping job in the SchedulerRegistry (it runs either way).
 */
@Module({
  providers: [
    { provide: BAOFOO_HOUSEKEEPING, useFactory: (o: BaofooOperationsOptions) => resolveHousekeeping(o.housekeeping), inject: [BAOFOO_OPERATIONS_OPTIONS] },
    OperationsStore,
    ReviewResolutionService,
    HousekeepingService,
    HousekeepingCron,
    MetricsReader,
    BaofooInstrumentation,
  ],
  exports: [ReviewResolutionService, HousekeepingService, OperationsStore],
})
export class BaofooOperationsModule extends BaofooOperationsConfigurableModule {}
