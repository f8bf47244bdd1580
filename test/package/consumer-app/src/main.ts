import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { PaymentService } from 'nestjs-baofoo';
import { deliverNotification, eventsDelivered, signedNotification } from 'nestjs-baofoo/testing';
import { DataSource } from 'typeorm';
import { AppModule, Fulfilment } from './app.module.js';
import { configureEdge } from './edge.js';

/**
 * Takes one payment the way a merchant's own e2e test would, through the
 * installed package only, and prints what happened as JSON on stdout.
 */
const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
configureEdge(app);
await app.listen(0, '127.0.0.1');
try {
  const { order } = await app.get(PaymentService).createPayment({ orderMoney: 1234 });
  const returnUrl = (await app.get(DataSource).query('SELECT return_url FROM baofoo_payment_orders WHERE trans_id = $1', [order.transId]))[0].return_url as string;
  const notification = signedNotification({ transId: order.transId, result: 'success', factMoney: 1234 });
  // The path the signed ReturnUrl names: the one the gateway would call.
  const path = new URL(returnUrl).pathname;
  const first = await deliverNotification(app.getHttpServer(), path, notification);
  await app.get(Fulfilment).firstPaid;
  // The listener has run; its delivery is on record once the relay's pass commits.
  await eventsDelivered(app);
  // The gateway repeats a notification until it reads OK; a repeat must not be settled or delivered again.
  const repeat = await deliverNotification(app.getHttpServer(), path, notification);
  await eventsDelivered(app);
  const db = app.get(DataSource);
  // The app's own route, not marked public: the app-wide guard still denies it.
  const unmarked = await fetch(new URL('/api/account', await app.getUrl()));
  const result = {
    answers: [first, repeat].map((a) => ({ status: a.status, body: a.body })),
    deliveries: app.get(Fulfilment).paid.map((e) => e.transId),
    orders: await db.query('SELECT trans_id AS "transId", status, fact_money::int AS "factMoney" FROM baofoo_payment_orders'),
    outbox: await db.query(`SELECT type, delivered_at IS NOT NULL AS delivered FROM baofoo_outbox WHERE type = 'baofoo.payment.succeeded'`),
    transId: order.transId,
    returnPath: path,
    unmarkedStatus: unmarked.status,
    // The module's own pool is internal (its half is test/database/named-data-source.e2e-spec.ts): the app's must not get its timeout.
    appStatementTimeout: ((await db.query('SHOW statement_timeout')) as { statement_timeout: string }[])[0].statement_timeout,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await app.close();
}
