import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BAOFOO_CLOCK } from '../../src/baofoo/baofoo.constants.ts';
import { BaofooModule } from '../../src/baofoo/baofoo.module.ts';
import type { BaofooModuleOptions } from '../../src/baofoo/config/baofoo-options.interface.ts';
import { baofooPostgresOptions } from '../../src/baofoo/database/postgres-options.ts';
import { BaofooOperationsModule } from '../../src/baofoo/operations/baofoo-operations.module.ts';
import type { BaofooOperationsOptions } from '../../src/baofoo/operations/operations-options.ts';
import { PaymentService } from '../../src/baofoo/payments/payment.service.ts';
import type { Clock } from '../../src/baofoo/protocol/trade-time.ts';
import { formBody, successFields } from '../notifications/notification-support.ts';
import { testOptions } from '../support/baofoo-test-app.ts';

export type Registration = 'forRoot' | 'forRootAsync';

export interface OperationsApp {
  app: INestApplication;
  dataSource: DataSource;
  url: string;
}

/** BaofooModule (global) with BaofooOperationsModule, registered either way, listening on a free port. */
export async function createOperationsApp(
  databaseUrl: string,
  registration: Registration,
  operations: BaofooOperationsOptions,
  extra: { baofoo?: BaofooModuleOptions; clock?: Clock } = {},
): Promise<OperationsApp> {
  const ops = registration === 'forRoot' ? BaofooOperationsModule.forRoot(operations) : BaofooOperationsModule.forRootAsync({ useFactory: async () => operations });
  let builder = Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot(baofooPostgresOptions({ url: databaseUrl, poolSize: 5 })),
      EventEmitterModule.forRoot(),
      BaofooModule.forRoot({ ...(extra.baofoo ?? testOptions()), isGlobal: true }),
      ops,
    ],
  });
  if (extra.clock) builder = builder.overrideProvider(BAOFOO_CLOCK).useValue(extra.clock);
  const app = (await builder.compile()).createNestApplication({ rawBody: true, logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  return { app, dataSource: app.get(DataSource), url: (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1') };
}

/** A PENDING order of `orderMoney` fen, then a signed success of `paidMoney` through the real notification route. */
export async function orderPaid(t: OperationsApp, orderMoney: number, paidMoney: number): Promise<string> {
  const { order } = await t.app.get(PaymentService).createPayment({ orderMoney, payId: '3002' });
  await notifyPaid(t, order.transId, paidMoney);
  return order.transId;
}

/** The gateway's success notification for an order, acknowledged `OK`. */
export async function notifyPaid(t: OperationsApp, transId: string, paidMoney: number): Promise<void> {
  const res = await fetch(`${t.url}/baofoo/notify`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: formBody(successFields(transId, paidMoney)),
  });
  if ((await res.text()) !== 'OK') throw new Error(`the notification for ${transId} was not acknowledged`);
}

export async function countRows(ds: DataSource, transId: string): Promise<{ ledger: number; outbox: number }> {
  const [row] = await ds.query(
    `SELECT (SELECT count(*) FROM baofoo_notification_ledger WHERE trans_id = $1)::int AS ledger, (SELECT count(*) FROM baofoo_outbox WHERE trans_id = $1)::int AS outbox`,
    [transId],
  );
  return row;
}
