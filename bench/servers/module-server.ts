import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AddressInfo } from 'node:net';
import { BaofooModule, baofooPostgresOptions, OnBaofooEvent, type BaofooDeliveryContext, type BaofooEventMap } from '../../src/baofoo/index.ts';
import { OutboxRelay } from '../../src/baofoo/events/outbox-relay.service.ts';
import { BaofooBridgeModule } from '../../src/baofoo/bridge/baofoo-bridge.module.ts';
import { BaofooObservation } from '../../src/baofoo/common/observation/baofoo-observation.ts';
import { ConfirmBatches } from './confirm-batches.ts';
import { createOnAdapter } from './nest-on-adapter.ts';
import { env, runServer } from './server-harness.ts';
import { benchBaofooOptions } from '../bench-signing.ts';

/** What a shop's listener would do first: note that the payment arrived, and how late. */
@Injectable()
class LagRecorder {
  lagsMs: number[] = [];
  relayLagsMs: number[] = [];
  delivered = 0;

  @OnBaofooEvent('baofoo.payment.succeeded', { listenerId: 'bench.lag' })
  paid(event: BaofooEventMap['baofoo.payment.succeeded'], context: BaofooDeliveryContext): void {
    this.delivered += 1;
    this.lagsMs.push(Date.now() - Date.parse(event.occurredAt));
    this.relayLagsMs.push(context.lagMs);
  }
}

/** BRIDGE_URL (bench/bridge.ts) adds the RabbitMQ bridge with its default options; the module must then be global. */
const BRIDGE_URL = process.env.BRIDGE_URL || undefined;

@Module({
  imports: [
    TypeOrmModule.forRoot(baofooPostgresOptions({ url: env('DATABASE_URL'), poolSize: Number(env('POOL_SIZE')) })),
    EventEmitterModule.forRoot(),
    BaofooModule.forRoot({
      ...benchBaofooOptions({ outbox: { enabled: true }, database: { poolSize: Number(env('POOL_SIZE')), listenUrl: process.env.LISTEN_URL || undefined } }),
      isGlobal: BRIDGE_URL !== undefined,
    }),
    ...(BRIDGE_URL ? [BaofooBridgeModule.forRoot({ url: BRIDGE_URL })] : []),
  ],
  providers: [LagRecorder],
})
class ModuleAppModule {}

/*
 * The module on the adapter named by ADAPTER (express or fastify), set up as
 * the README tells a shop to. If the module's bootstrap API moves, this file
 * is the one place the bench needs to follow it.
 */

await runServer(async () => {
  const app = await createOnAdapter(ModuleAppModule);
  await app.listen(0, '127.0.0.1');
  const recorder = app.get(LagRecorder);
  const relay = app.get(OutboxRelay);
  const batches = new ConfirmBatches();
  // Before the first batch: the bridge starts publishing at application bootstrap, but the outbox is empty until load comes.
  if (BRIDGE_URL) app.get(BaofooObservation).observer = batches.observer;
  return {
    port: (app.getHttpServer().address() as AddressInfo).port,
    close: () => app.close(),
    // Each call reports the deliveries since the previous one, so a scenario sees only its own.
    stats: async () => {
      const { lagsMs, relayLagsMs, delivered } = recorder;
      recorder.lagsMs = [];
      recorder.relayLagsMs = [];
      recorder.delivered = 0;
      return { delivered, lagsMs, relayLagsMs, relayWindowLagP99Ms: relay.lagP99Ms(), ...batches.take() };
    },
  };
}, { watchLoop: true });
