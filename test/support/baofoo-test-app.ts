import 'reflect-metadata';
import type { INestApplication, NestApplicationOptions, Provider, Type } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test, type TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DataSource as DataSourceToken } from 'typeorm';
import { BAOFOO_CLOCK } from '../../src/baofoo/baofoo.constants.ts';
import { BaofooModule } from '../../src/baofoo/baofoo.module.ts';
import type { BaofooModuleOptions } from '../../src/baofoo/config/baofoo-options.interface.ts';
import { baofooPostgresOptions } from '../../src/baofoo/database/postgres-options.ts';
import type { Clock } from '../../src/baofoo/protocol/trade-time.ts';
import { appDatabaseUrl, appModuleOptions, createTestDatabase, type TestDatabase } from './test-database.ts';

export const TEST_MERCHANT = { memberId: '100000178', terminalId: '10000001', key: 'abcdefg' } as const;

/**
 * Database budgets for suites that are not about timing. On two cores at load 8–12 opening a connection alone
 * can take seconds, and the module's defaults (connect 1 s, answer 2 s, statement 1.5 s) turned that into 503s
 * and failed order creations the suites did not ask about. A suite about timeouts states its own budgets.
 */
export const PATIENT_DATABASE = { connectTimeoutMs: 10_000, answerWithinMs: 10_000, statementTimeoutMs: 10_000 } as const;

/** Options for a sandbox-environment module with the published test merchant; override any part. */
export function testOptions(overrides: Partial<BaofooModuleOptions> = {}): BaofooModuleOptions {
  return {
    environment: 'sandbox',
    sandboxUrl: 'http://127.0.0.1:9',
    merchants: [{ memberId: TEST_MERCHANT.memberId, terminalId: TEST_MERCHANT.terminalId, keys: [{ id: 'k1', secret: TEST_MERCHANT.key }] }],
    notification: { path: '/baofoo/notify', pagePath: '/baofoo/return', publicBaseUrl: 'http://127.0.0.1:3000', allowedIps: ['127.0.0.1', '::1'] },
    reconciliation: { enabled: false },
    outbox: { enabled: false },
    ...overrides,
    database: { ...PATIENT_DATABASE, ...overrides.database },
  };
}

/** The HTTP adapters the module supports; the notification suites run on each. */
export const ADAPTERS = ['express', 'fastify'] as const;
export type AdapterName = (typeof ADAPTERS)[number];

/** A Nest app on the named adapter, quiet but for errors, with `rawBody` unless told otherwise. */
export function createNestApp(moduleRef: TestingModule, adapter: AdapterName = 'express', appOptions: NestApplicationOptions = {}): INestApplication {
  const options = { rawBody: true, logger: ['error' as const], ...appOptions };
  return adapter === 'fastify' ? moduleRef.createNestApplication(new FastifyAdapter(), options) : moduleRef.createNestApplication(options);
}

export interface TestApp {
  app: INestApplication;
  dataSource: DataSource;
  close(): Promise<void>;
}

/** A real Nest app over a real database, listening on a free loopback port. */
export async function createTestApp(
  databaseUrl: string,
  options: BaofooModuleOptions = testOptions(),
  extra: {
    clock?: Clock;
    poolSize?: number;
    appOptions?: NestApplicationOptions;
    adapter?: AdapterName;
    /** App-level providers, e.g. an APP_GUARD. */
    providers?: Provider[];
    /** App controllers, e.g. one that calls PaymentService as a shop would. */
    controllers?: Type[];
    /** Called before the app listens, e.g. to set a global prefix. */
    configure?: (app: INestApplication) => void;
  } = {},
): Promise<TestApp> {
  let builder = Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot(baofooPostgresOptions({ url: appDatabaseUrl(databaseUrl), poolSize: extra.poolSize ?? 10 })),
      EventEmitterModule.forRoot(),
      BaofooModule.forRoot(appModuleOptions(options, databaseUrl)),
    ],
    providers: extra.providers ?? [],
    controllers: extra.controllers ?? [],
  });
  if (extra.clock) builder = builder.overrideProvider(BAOFOO_CLOCK).useValue(extra.clock);
  const moduleRef = await builder.compile();
  const app = createNestApp(moduleRef, extra.adapter, extra.appOptions);
  extra.configure?.(app);
  // An app that refuses to boot still holds its database pool.
  await app.listen(0, '127.0.0.1').catch(async (e: unknown) => {
    await app.close().catch(() => undefined);
    throw e;
  });
  return { app, dataSource: app.get(DataSourceToken), close: () => app.close() };
}

/**
 * A test app over a database of its own for the enclosing `describe`: created
 * before its tests, closed and dropped after them. The returned object reads
 * through to the live app, so it can be captured at describe time.
 */
export function useTestApp(options?: BaofooModuleOptions, extra?: Parameters<typeof createTestApp>[2]): TestApp {
  let db: TestDatabase | undefined;
  let current: TestApp | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    current = await createTestApp(db.url, options, extra);
  });
  afterAll(async () => {
    await current?.close();
    await db?.drop();
  });
  return {
    get app() {
      return current!.app;
    },
    get dataSource() {
      return current!.dataSource;
    },
    close: () => current!.close(),
  };
}
