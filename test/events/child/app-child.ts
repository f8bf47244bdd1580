import 'reflect-metadata';
import { Inject, Injectable } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BaofooModule } from '../../../src/baofoo/baofoo.module.ts';
import { BaofooDatabase } from '../../../src/baofoo/database/baofoo-database.ts';
import { baofooPostgresOptions } from '../../../src/baofoo/database/postgres-options.ts';
import type { BaofooEventMap } from '../../../src/baofoo/events/baofoo-events.ts';
import { OnBaofooEvent } from '../../../src/baofoo/events/on-baofoo-event.decorator.ts';
import { BAOFOO_OUTBOX_TUNING, DEFAULT_OUTBOX_TUNING } from '../../../src/baofoo/events/outbox.constants.ts';
import { testOptions } from '../../support/baofoo-test-app.ts';

/**
 * A whole app instance in a process of its own, as a deployment runs it
 * (`enableShutdownHooks()`, HTTP on a port), for the test that SIGTERMs one
 * of two instances mid-storm. Its listener takes `LISTENER_MS` and then
 * counts its effect in `storm_effects`, named by the instance.
 */
@Injectable()
class SlowFulfilment {
  constructor(@Inject(BaofooDatabase) private readonly db: BaofooDatabase) {}

  @OnBaofooEvent('baofoo.payment.succeeded', { listenerId: 'storm.fulfilment' })
  async onPaid(event: BaofooEventMap['baofoo.payment.succeeded']): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.LISTENER_MS)));
    await this.db.query(
      `INSERT INTO storm_effects (event_id, app, n, at) VALUES ($1, $2, 1, clock_timestamp())
       ON CONFLICT (event_id) DO UPDATE SET n = storm_effects.n + 1, app = EXCLUDED.app, at = EXCLUDED.at`,
      [event.eventId, process.env.APP_NAME],
    );
  }
}

const moduleRef = await Test.createTestingModule({
  imports: [
    TypeOrmModule.forRoot(baofooPostgresOptions({ url: process.env.DATABASE_URL ?? '', poolSize: 2 })),
    EventEmitterModule.forRoot(),
    BaofooModule.forRoot(testOptions({ outbox: { enabled: true, pollIntervalMs: 200 } })),
  ],
  providers: [SlowFulfilment],
})
  .overrideProvider(BAOFOO_OUTBOX_TUNING)
  .useValue({ ...DEFAULT_OUTBOX_TUNING, leaseMs: Number(process.env.LEASE_MS), shutdownGraceMs: Number(process.env.SHUTDOWN_GRACE_MS) })
  .compile();
const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
app.enableShutdownHooks();
await app.listen(0, '127.0.0.1');
process.send?.({ url: (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1') });
