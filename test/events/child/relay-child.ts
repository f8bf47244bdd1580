import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BaofooModule } from '../../../src/baofoo/baofoo.module.ts';
import { baofooPostgresOptions } from '../../../src/baofoo/database/postgres-options.ts';
import type { BaofooEventMap } from '../../../src/baofoo/events/baofoo-events.ts';
import { OnBaofooEvent } from '../../../src/baofoo/events/on-baofoo-event.decorator.ts';
import { BAOFOO_OUTBOX_TUNING, DEFAULT_OUTBOX_TUNING } from '../../../src/baofoo/events/outbox.constants.ts';

/**
 * An app instance in a process of its own, for the test that kills it with
 * SIGKILL mid-delivery: each event has a listener that settles at once
 * (`crash.fast`) and one that reports the event to the parent and then never
 * returns (`crash.slow`), so the process dies with part of each event's
 * listener calls on record and part not.
 */
@Injectable()
class FastListener {
  @OnBaofooEvent('baofoo.payment.succeeded', { listenerId: 'crash.fast' })
  onPaid(): void {}
}

@Injectable()
class HangingListener {
  @OnBaofooEvent('baofoo.payment.succeeded', { listenerId: 'crash.slow' })
  onPaid(event: BaofooEventMap['baofoo.payment.succeeded']): Promise<void> {
    process.send?.({ holding: event.eventId });
    return new Promise(() => undefined);
  }
}

const module = await Test.createTestingModule({
  imports: [
    TypeOrmModule.forRoot(baofooPostgresOptions({ url: process.env.DATABASE_URL ?? '', poolSize: 2 })),
    EventEmitterModule.forRoot(),
    BaofooModule.forRoot({
      environment: 'sandbox',
      sandboxUrl: 'http://127.0.0.1:1',
      merchants: [{ memberId: '100000178', terminalId: '10000001', keys: [{ id: 'k1', secret: 'abcdefg' }] }],
      reconciliation: { enabled: false },
      outbox: { pollIntervalMs: Number(process.env.POLL_INTERVAL_MS ?? 100), delivery: { timeoutMs: Number(process.env.LISTENER_TIMEOUT_MS ?? 30_000) } },
    }),
  ],
  providers: [FastListener, HangingListener],
})
  .overrideProvider(BAOFOO_OUTBOX_TUNING)
  .useValue({ ...DEFAULT_OUTBOX_TUNING, leaseMs: Number(process.env.LEASE_MS ?? 10_000) })
  .compile();
module.useLogger(false);
await module.init();
process.send?.({ ready: true });
