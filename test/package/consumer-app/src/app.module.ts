import { Injectable, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BaofooModule, baofooPostgresOptions, OnBaofooEvent, type PaymentSucceededEvent } from 'nestjs-baofoo';
import { PUBLISHED_TEST_MERCHANT } from 'nestjs-baofoo/testing';

/** The app's own listener: what it sees is what the consumer test asserts. */
@Injectable()
export class Fulfilment {
  readonly paid: PaymentSucceededEvent[] = [];
  private onFirst!: () => void;
  readonly firstPaid = new Promise<void>((resolve) => (this.onFirst = resolve));

  @OnBaofooEvent('baofoo.payment.succeeded', { listenerId: 'consumer.fulfilment' })
  onPaid(event: PaymentSucceededEvent): unknown {
    this.paid.push(event);
    this.onFirst();
    return undefined;
  }
}

@Module({
  imports: [
    // Hook for the DB-layer items of issue 12: once the module takes its own statement timeout and a
    // named DataSource, configure them here (and report them from main.ts for the test to assert).
    TypeOrmModule.forRoot(baofooPostgresOptions({ url: process.env.DATABASE_URL ?? '' })),
    EventEmitterModule.forRoot(),
    BaofooModule.forRoot({
      environment: 'sandbox',
      sandboxUrl: 'http://127.0.0.1:9',
      merchants: [{ memberId: PUBLISHED_TEST_MERCHANT.memberId, terminalId: PUBLISHED_TEST_MERCHANT.terminalId, keys: [{ id: 'k1', secret: PUBLISHED_TEST_MERCHANT.key }] }],
      notification: { publicBaseUrl: 'http://127.0.0.1:3000', allowedIps: ['127.0.0.1', '::1'] },
      reconciliation: { enabled: false },
    }),
  ],
  providers: [Fulfilment],
})
export class AppModule {}
