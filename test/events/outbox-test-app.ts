import 'reflect-metadata';
import type { Provider } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test, type TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import pg from 'pg';
import { BaofooModule } from '../../src/baofoo/baofoo.module.ts';
import type { BaofooDatabaseOptions, BaofooOutboxOptions } from '../../src/baofoo/config/baofoo-options.interface.ts';
import { baofooPostgresOptions } from '../../src/baofoo/database/postgres-options.ts';
import { BAOFOO_OUTBOX_TUNING, DEFAULT_OUTBOX_TUNING, OUTBOX_CHANNEL, type OutboxTuning } from '../../src/baofoo/events/outbox.constants.ts';
import { OutboxAdminService } from '../../src/baofoo/events/outbox-admin.service.ts';
import { OutboxMonitor } from '../../src/baofoo/events/outbox-monitor.service.ts';
import { OutboxRelay } from '../../src/baofoo/events/outbox-relay.service.ts';
import { baofooEvent, outboxRow, outboxInsertStatement, type OutboxRow } from '../../src/baofoo/events/outbox-row.ts';
import { CapturedLog } from '../support/captured-log.ts';
import { appDatabaseUrl, appModuleOptions } from '../support/test-database.ts';

export interface OutboxApp {
  module: TestingModule;
  relay: OutboxRelay;
  monitor: OutboxMonitor;
  admin: OutboxAdminService;
  log: CapturedLog;
  close(): Promise<void>;
}

/**
 * One app instance: TypeORM on the suite's database, the app's own
 * EventEmitterModule (unless `eventEmitter: false`), BaofooModule with the relay on, and the test's
 * listener providers. `init()` runs the bootstrap hooks, which start the relay.
 */
export async function startOutboxApp(
  url: string,
  o: { providers: Provider[]; eventEmitter?: boolean; outbox?: BaofooOutboxOptions; database?: BaofooDatabaseOptions; tuning?: Partial<OutboxTuning>; poolSize?: number; log?: CapturedLog },
): Promise<OutboxApp> {
  const module = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot(baofooPostgresOptions({ url: appDatabaseUrl(url), poolSize: o.poolSize ?? 4 })),
      ...(o.eventEmitter === false ? [] : [EventEmitterModule.forRoot()]),
      BaofooModule.forRoot(
        appModuleOptions(
          {
            environment: 'sandbox',
            sandboxUrl: 'http://127.0.0.1:1',
            merchants: [{ memberId: '100000178', terminalId: '10000001', keys: [{ id: 'k1', secret: 'abcdefg' }] }],
            reconciliation: { enabled: false },
            outbox: { pollIntervalMs: 100, ...o.outbox },
            ...(o.database ? { database: o.database } : {}),
          },
          url,
        ),
      ),
    ],
    providers: o.providers,
  })
    .overrideProvider(BAOFOO_OUTBOX_TUNING)
    .useValue({ ...DEFAULT_OUTBOX_TUNING, ...o.tuning })
    .compile();
  // Nest's Logger is process-wide: apps of one test share the log they write to.
  const log = o.log ?? new CapturedLog();
  module.useLogger(log);
  try {
    await module.init();
  } catch (e) {
    await module.close();
    throw e;
  }
  return {
    module,
    relay: module.get(OutboxRelay),
    monitor: module.get(OutboxMonitor),
    admin: module.get(OutboxAdminService),
    log,
    close: () => module.close(),
  };
}

let serial = 0;

/** A payment-succeeded event as the notification writer would build it. */
export function paidEvent(overrides: { orderMoney?: number; transId?: string } = {}) {
  serial += 1;
  return baofooEvent('baofoo.payment.succeeded', {
    orderId: String(serial),
    transId: overrides.transId ?? `T${String(serial).padStart(19, '0')}`,
    memberId: '100000178',
    terminalId: '10000001',
    orderMoney: overrides.orderMoney ?? 100,
    factMoney: overrides.orderMoney ?? 100,
    status: 'PAID',
    previousStatus: 'PENDING',
    source: 'notification',
    resultDesc: '01',
    succTime: '20251125120000',
    late: false,
    partial: false,
    shortfall: 0,
    reason: null,
  });
}

/** A payment-failed event of order 9 (the gateway's 0013), as the notification writer would build it. */
export function failedEvent() {
  return baofooEvent('baofoo.payment.failed', {
    orderId: '9',
    transId: 'T2025112500000000009',
    memberId: '100000178',
    terminalId: '10000001',
    orderMoney: 100,
    factMoney: null,
    status: 'FAILED',
    previousStatus: 'PENDING',
    source: 'notification',
    resultDesc: '0013',
    succTime: null,
    reason: null,
  });
}

/**
 * Commits outbox rows as a writer in a process without a relay does: the
 * inserts, then a NOTIFY outside the transaction; `notify: false` leaves the
 * NOTIFY out, so only polling finds the rows.
 */
export async function commitOutboxRows(url: string, rows: readonly OutboxRow[], o: { notify?: boolean; chunk?: number } = {}): Promise<void> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    const chunk = o.chunk ?? 2000;
    for (let i = 0; i < rows.length; i += chunk) {
      const { text, params } = outboxInsertStatement(rows.slice(i, i + chunk));
      await client.query(text, params);
    }
    if (o.notify !== false) await client.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
  } finally {
    await client.end();
  }
}

export const rowsOf = (count: number) => Array.from({ length: count }, () => outboxRow(paidEvent()));

/** Runs a query on its own connection. */
export async function query<R extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Resolves once `check` holds, asking every 50 ms; fails after `ms`, a deadline only a real hang misses. */
export async function until(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const by = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > by) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
