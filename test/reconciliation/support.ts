import 'reflect-metadata';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication, Type } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BAOFOO_CLOCK } from '../../src/baofoo/baofoo.constants.ts';
import { BaofooModule } from '../../src/baofoo/baofoo.module.ts';
import type { BaofooModuleOptions, BaofooReconciliationOptions } from '../../src/baofoo/config/baofoo-options.interface.ts';
import { baofooPostgresOptions } from '../../src/baofoo/database/postgres-options.ts';
import type { OrderRow } from '../../src/baofoo/orders/payment-order.repository.ts';
import { PaymentService } from '../../src/baofoo/payments/payment.service.ts';
import { ReconciliationService } from '../../src/baofoo/reconciliation/reconciliation.service.ts';
import type { SandboxGateway } from '../../src/sandbox/index.ts';
import { testOptions, TEST_MERCHANT } from '../support/baofoo-test-app.ts';
import { md5 } from '../support/independent-md5.ts';

export { TEST_MERCHANT };

export { md5 };

/** A clock the tests move by hand: "simulated minutes" without sleeping. Module, sandbox and test share it. */
export class FakeClock {
  constructor(private current = new Date('2026-03-02T02:00:00Z')) {}
  readonly now = (): Date => new Date(this.current.getTime());
  advance(seconds: number): Date {
    this.current = new Date(this.current.getTime() + seconds * 1000);
    return this.now();
  }
  /** Seconds since `since` on this clock. */
  secondsSince(since: Date): number {
    return (this.current.getTime() - since.getTime()) / 1000;
  }
}

export interface Instance {
  app: INestApplication;
  url: string;
  dataSource: DataSource;
  reconciliation: ReconciliationService;
  payments: PaymentService;
  close(): Promise<void>;
}

export interface InstanceOptions {
  reconciliation?: BaofooReconciliationOptions;
  /** Module options over the defaults (sandbox environment pointing at `gatewayUrl`). */
  options?: Partial<BaofooModuleOptions>;
  /** Replace a provider, e.g. the query client of an instance that will "die". */
  override?: { provide: Type<unknown>; useFactory: (...deps: never[]) => unknown; inject?: (Type<unknown> | symbol)[] };
  /** Silence the instance (e.g. one that is about to be killed and will log its broken pool). */
  quiet?: boolean;
  imports?: NonNullable<Parameters<typeof Test.createTestingModule>[0]['imports']>;
  poolSize?: number;
}

/** One app instance (its own pool, its own Nest container) over the shared database, on the fake clock. */
export async function startInstance(databaseUrl: string, gatewayUrl: string, clock: FakeClock, o: InstanceOptions = {}): Promise<Instance> {
  const options = testOptions({
    sandboxUrl: gatewayUrl,
    // The per-merchant query cap has its own suite (query-rate-cap): the others leave it out of the way.
    reconciliation: { enabled: false, batchSize: 50, concurrency: 4, queryTimeoutMs: 2000, firstQueryAfterSeconds: 60, graceSeconds: 600, maxAgeSeconds: 3600, maxQueriesPerMinute: 10_000, ...o.reconciliation },
    ...o.options,
  });
  let builder = Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot(baofooPostgresOptions({ url: databaseUrl, poolSize: o.poolSize ?? 6 })),
      EventEmitterModule.forRoot(),
      ...(o.imports ?? []),
      BaofooModule.forRoot(options),
    ],
  }).overrideProvider(BAOFOO_CLOCK).useValue(clock.now);
  if (o.override) builder = builder.overrideProvider(o.override.provide).useFactory({ factory: o.override.useFactory, inject: o.override.inject ?? [] });
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication({ rawBody: true, logger: o.quiet ? false : ['error'] });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
  return {
    app,
    url,
    dataSource: app.get(DataSource),
    reconciliation: app.get(ReconciliationService),
    payments: app.get(PaymentService),
    close: () => app.close(),
  };
}

let serial = 0;
/** A TransID unique within the run: 8 to 20 letters and digits. */
export function transId(prefix = 'R'): string {
  serial += 1;
  return `${prefix}${process.pid.toString(36).toUpperCase()}${String(serial).padStart(6, '0')}`.slice(0, 20);
}

/**
 * A PENDING order as a shop creates it; with `submit` its signed form is
 * posted to the sandbox's /payindex as the shopper's browser would, so the
 * gateway knows it (answers P, then Y/F once decided). Without, the gateway
 * never saw it (answers N).
 */
export async function placeOrder(
  instance: Instance,
  sandbox: SandboxGateway,
  o: { orderMoney?: number; payId?: string; submit?: boolean; returnUrl?: string } = {},
): Promise<OrderRow> {
  const { order, form } = await instance.payments.createPayment({
    orderMoney: o.orderMoney ?? 100,
    payId: o.payId ?? '3002',
    transId: transId(),
    returnUrl: o.returnUrl ?? `${instance.url}/baofoo/notify`,
    pageUrl: `${instance.url}/baofoo/return`,
  });
  if (o.submit ?? true) await submitForm(sandbox, form.fields as unknown as Record<string, string>);
  return order;
}

/** Posts a payment form to the sandbox as the shopper's browser does. */
export async function submitForm(sandbox: SandboxGateway, fields: Record<string, string>): Promise<void> {
  const res = await fetch(sandbox.payindexUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  await res.text();
  if (res.status !== 200) throw new Error(`the sandbox refused the payment form of ${fields.TransID}: ${res.status} ${res.headers.get('x-sandbox-error')}`);
}

export interface OrderState {
  status: string;
  version: number;
  fact: number | null;
  attempts: number;
  nextQueryAt: Date | null;
  lastCheck: string | null;
  settledBy: string | null;
}

export async function orderState(ds: DataSource, id: string): Promise<OrderState> {
  const [row] = await ds.query(
    `SELECT status, version, fact_money::int AS fact, query_attempts AS attempts, next_query_at AS "nextQueryAt", last_check_result AS "lastCheck", settled_by AS "settledBy"
       FROM baofoo_payment_orders WHERE id = $1`,
    [id],
  );
  return row;
}

export async function outboxOf(ds: DataSource, orderId: string): Promise<{ type: string; payload: Record<string, unknown> }[]> {
  return ds.query('SELECT type, payload FROM baofoo_outbox WHERE order_id = $1 ORDER BY id', [orderId]);
}

export async function ledgerOf(ds: DataSource, orderId: string): Promise<{ method: string; verdict: string; from_status: string; to_status: string; reason_code: string | null }[]> {
  return ds.query('SELECT method, verdict, from_status, to_status, reason_code FROM baofoo_notification_ledger WHERE order_id = $1 ORDER BY id', [orderId]);
}

/** A signed payment result as spec §3 writes it out: md5 over `name=value` pairs joined with `~|~`, the key last. */
export function signedResult(order: Pick<OrderRow, 'transId'>, result: { succeeded: boolean; factMoney: number; resultDesc?: string }): Record<string, string> {
  const f = {
    MemberID: TEST_MERCHANT.memberId,
    TerminalID: TEST_MERCHANT.terminalId,
    TransID: order.transId,
    Result: result.succeeded ? '1' : '0',
    ResultDesc: result.resultDesc ?? (result.succeeded ? '01' : '0000'),
    FactMoney: String(result.factMoney),
    AdditionalInfo: '',
    SuccTime: '20260302100000',
  };
  const signing = [...Object.entries(f).map(([k, v]) => `${k}=${v}`), `Md5Sign=${TEST_MERCHANT.key}`].join('~|~');
  return { ...f, Md5Sign: md5(signing) };
}

export async function notify(instance: Instance, fields: Record<string, string>): Promise<{ status: number; text: string }> {
  const res = await fetch(`${instance.url}/baofoo/notify`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  return { status: res.status, text: await res.text() };
}

/**
 * A man in the middle between the module and the sandbox: forwards every
 * request, and for the TransIDs in `tamper` flips a digit of the answer's
 * succMoney, leaving its signature as it was. Models an answer altered in
 * transit; the gateway itself is the sandbox.
 */
export async function startTamperingProxy(target: string, tamper: Set<string>): Promise<{ url: string; stop(): Promise<void> }> {
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const asked = new URLSearchParams(body.toString('latin1')).get('TransID') ?? '';
      const out = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } }, (answer) => {
        const parts: Buffer[] = [];
        answer.on('data', (c: Buffer) => parts.push(c));
        answer.on('end', () => {
          let text = Buffer.concat(parts).toString('utf8');
          if (tamper.has(asked)) {
            const f = text.split('|');
            if (f.length === 7) f[4] = String(Number(f[4]) + 1);
            text = f.join('|');
          }
          res.writeHead(answer.statusCode ?? 502, { 'content-type': answer.headers['content-type'] ?? 'text/plain' });
          res.end(text);
        });
      });
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
