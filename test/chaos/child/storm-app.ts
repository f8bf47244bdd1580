import 'reflect-metadata';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BaofooModule } from '../../../src/baofoo/baofoo.module.ts';
import { baofooPostgresOptions } from '../../../src/baofoo/database/postgres-options.ts';
import { BAOFOO_OUTBOX_TUNING, DEFAULT_OUTBOX_TUNING, type OutboxTuning } from '../../../src/baofoo/events/outbox.constants.ts';
import { testOptions } from '../../support/baofoo-test-app.ts';
import { FulfilmentEffect } from '../chaos-fixtures.ts';

/**
 * The app of the restarted-database chaos suite, in a process of its own, so
 * that an unhandled error really ends it and the suite sees the exit. It has
 * no handler for uncaught errors on purpose, and the chaos listener with an
 * effect of its own.
 * Reports `{ ready: url }`, and `{ loopDelayMs }` when asked `{ report: true }`.
 */
const moduleRef = await Test.createTestingModule({
  imports: [
    TypeOrmModule.forRoot(baofooPostgresOptions({ url: process.env.DATABASE_URL ?? '', poolSize: 4 })),
    EventEmitterModule.forRoot(),
    BaofooModule.forRoot(testOptions({ outbox: { enabled: true, pollIntervalMs: 200, delivery: { timeoutMs: 5000, backoff: { baseMs: 200, factor: 2, maxMs: 2000 } } } })),
  ],
  providers: [FulfilmentEffect],
})
  .overrideProvider(BAOFOO_OUTBOX_TUNING)
  // Short leases and retries, so an event whose outcome could not be written during a fault comes back within the test.
  .useValue({ ...DEFAULT_OUTBOX_TUNING, leaseMs: 7000, reconnectMs: 200 } satisfies OutboxTuning)
  .compile();

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const app = moduleRef.createNestApplication({ rawBody: true, logger: false });
await app.listen(0, '127.0.0.1');
process.on('message', (m: { report?: boolean }) => {
  if (m.report) process.send?.({ loopDelayMs: loopDelay.max / 1e6 });
});
process.send?.({ ready: await app.getUrl() });
