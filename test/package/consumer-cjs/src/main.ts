import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BaofooModule, baofooPostgresOptions, PaymentService } from 'nestjs-baofoo';
import { deliverNotification, PUBLISHED_TEST_MERCHANT, signedNotification } from 'nestjs-baofoo/testing';
import { DataSource } from 'typeorm';

/**
 * The smallest CommonJS app: compiled to require() calls, it loads the ESM-only package (and Nest 12)
 * through Node's require(esm), takes one payment and prints what happened as JSON on stdout.
 */
@Module({
  imports: [
    TypeOrmModule.forRoot(baofooPostgresOptions({ url: process.env.DATABASE_URL ?? '' })),
    EventEmitterModule.forRoot(),
    BaofooModule.forRootAsync({
      useFactory: () => ({
        environment: 'sandbox' as const,
        sandboxUrl: 'http://127.0.0.1:9',
        merchants: [{ memberId: PUBLISHED_TEST_MERCHANT.memberId, terminalId: PUBLISHED_TEST_MERCHANT.terminalId, keys: [{ id: 'k1', secret: PUBLISHED_TEST_MERCHANT.key }] }],
        notification: { publicBaseUrl: 'http://127.0.0.1:3000', allowedIps: ['127.0.0.1', '::1'] },
        reconciliation: { enabled: false },
      }),
    }),
  ],
})
class CommonJsAppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(CommonJsAppModule, { logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  try {
    const { order } = await app.get(PaymentService).createPayment({ orderMoney: 4321 });
    const answer = await deliverNotification(app.getHttpServer(), '/baofoo/notify', signedNotification({ transId: order.transId, result: 'success', factMoney: 4321 }));
    const [row] = (await app.get(DataSource).query('SELECT status FROM baofoo_payment_orders WHERE trans_id = $1', [order.transId])) as { status: string }[];
    // `module` and `require` exist only in a CommonJS module.
    const format = typeof module === 'object' && typeof require === 'function' ? 'commonjs' : 'esm';
    process.stdout.write(`${JSON.stringify({ node: process.version, format, answer: { status: answer.status, body: answer.body }, status: row?.status })}\n`);
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
