import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BaofooModule } from '../../../src/baofoo/baofoo.module.ts';
import { baofooPostgresOptions } from '../../../src/baofoo/database/postgres-options.ts';
import type { BaofooEventMap } from '../../../src/baofoo/events/baofoo-events.ts';
import { OnBaofooEvent } from '../../../src/baofoo/events/on-baofoo-event.decorator.ts';

/**
 * An app instance in a process of its own, for the test that kills it with
 * SIGKILL: its listener reports each event to the parent and then never
 * returns, so the process dies holding the claim, mid-delivery.
 */
@Injectable()
class HangingListener {
  @OnBaofooEvent('baofoo.payment.succeeded')
  onPaid(event: BaofooEventMap['baofoo.payment.succeeded']): Promise<void> {
    process.send?.({ holding: event.eventId });
    return new Promise(() => undefined);
  }
}

@Module({
  imports: [
    TypeOrmModule.forRoot(baofooPostgresOptions({ url: process.env.DATABASE_URL ?? '', poolSize: 2 })),
    EventEmitterModule.forRoot(),
    BaofooModule.forRoot({
      environment: 'sandbox',
      sandboxUrl: 'http://127.0.0.1:1',
      merchants: [{ memberId: '100000178', terminalId: '10000001', keys: [{ id: 'k1', secret: 'abcdefg' }] }],
      reconciliation: { enabled: false },
      outbox: { pollIntervalMs: Number(process.env.POLL_INTERVAL_MS ?? 100) },
    }),
  ],
  providers: [HangingListener],
})
class ChildModule {}

const app = await NestFactory.createApplicationContext(ChildModule, { logger: false });
await app.init();
process.send?.({ ready: true });
