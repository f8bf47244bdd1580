import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BaofooModule, baofooPostgresOptions, OnBaofooEvent, type PaymentSucceededEvent } from 'nestjs-baofoo';
import { PUBLISHED_TEST_MERCHANT } from 'nestjs-baofoo/testing';
import { DenyUnlessPublicGuard, IS_PUBLIC_KEY } from './edge.js';

/** The module's own statement timeout: main.ts reports that the app's DataSource does not get it. */
export const MODULE_STATEMENT_TIMEOUT_MS = 1700;

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

/** A route of the app itself, not public: only an authenticated user (none here) may read it. */
@Controller('account')
export class AccountController {
  @Get()
  show(): string {
    return 'private';
  }
}

@Module({
  imports: [
    // The app's DataSource, with no statement timeout of its own.
    TypeOrmModule.forRoot(baofooPostgresOptions({ url: process.env.DATABASE_URL ?? '' })),
    EventEmitterModule.forRoot(),
    BaofooModule.forRoot({
      environment: 'sandbox',
      sandboxUrl: 'http://127.0.0.1:9',
      merchants: [{ memberId: PUBLISHED_TEST_MERCHANT.memberId, terminalId: PUBLISHED_TEST_MERCHANT.terminalId, keys: [{ id: 'k1', secret: PUBLISHED_TEST_MERCHANT.key }] }],
      notification: { publicBaseUrl: 'http://127.0.0.1:3000', allowedIps: ['127.0.0.1', '::1'], routeMetadata: [[IS_PUBLIC_KEY, true]] },
      reconciliation: { enabled: false },
      database: { statementTimeoutMs: MODULE_STATEMENT_TIMEOUT_MS },
    }),
  ],
  controllers: [AccountController],
  providers: [Fulfilment, { provide: APP_GUARD, useClass: DenyUnlessPublicGuard }],
})
export class AppModule {}
