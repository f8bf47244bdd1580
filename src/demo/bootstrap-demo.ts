import 'reflect-metadata';
import { Logger, type INestApplication, type LogLevel } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { baofooConfig, baofooOptionsFromEnv, envFilePaths } from '../baofoo/config/baofoo-env.config.ts';
import { baofooPostgresOptions } from '../baofoo/database/postgres-options.ts';
import { freePort, startEmbeddedDatabase, type EmbeddedDatabase } from '../infra/embedded-database.ts';
import { startSandboxGateway, type SandboxGateway } from '../sandbox/index.ts';
import { DEMO_MIGRATIONS } from './demo-migrations.ts';
import { BRIDGE_URL_VARIABLE } from '../baofoo/bridge/bridge-options.ts';
import type { DemoRuntime } from './demo-runtime.ts';
import { DemoModule } from './demo.module.ts';

export interface DemoBootstrapOptions {
  /** Shop port; `PORT` or 3000 by default, 0 for a free one. */
  port?: number;
  /** Interface to listen on; `HOST` or 127.0.0.1 by default (0.0.0.0 in a container). */
  host?: string;
  /** External database; `DATABASE_URL` by default, else an embedded PostgreSQL in `dataDir`. */
  databaseUrl?: string;
  /** Embedded PostgreSQL's data directory, kept between runs. Default `.data/postgres`. */
  dataDir?: string;
  /** Embedded PostgreSQL's port when free; else any free port. Default 5433. */
  databasePort?: number;
  /**
   * The in-process sandbox gateway (environment `sandbox` only): its port
   * (`SANDBOX_PORT` or 3100; 0 for a free one) and notification retry schedule.
   * `false` to use a gateway started elsewhere.
   */
  sandbox?: false | { port?: number; retryDelaysMs?: readonly number[] };
  configure?: DemoRuntime['configure'];
  /** How long the shop's own DataSource waits for a connection (`baofooPostgresOptions`' default otherwise). */
  databaseConnectTimeoutMs?: number;
  logger?: LogLevel[] | false;
}

export interface RunningDemo {
  app: INestApplication;
  url: string;
  databaseUrl: string;
  sandbox?: SandboxGateway;
  dataSource: DataSource;
  close(): Promise<void>;
}

const logger = new Logger('Demo');
const sandboxLogger = new Logger('Sandbox');

async function portIsFree(port: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

async function embeddedDatabase(options: DemoBootstrapOptions): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir ?? '.data/postgres');
  const preferred = options.databasePort ?? 5433;
  const port = (await portIsFree(preferred)) ? preferred : await freePort();
  logger.log(`starting the embedded PostgreSQL on port ${port} (data in ${dataDir})`);
  return startEmbeddedDatabase({ dataDir, port, persistent: true });
}

async function migrate(databaseUrl: string): Promise<void> {
  const ds = new DataSource({ ...baofooPostgresOptions({ url: databaseUrl, poolSize: 1 }), migrations: DEMO_MIGRATIONS });
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    logger.log(applied.length ? `applied migrations: ${applied.map((m) => m.name).join(', ')}` : 'database schema is up to date');
  } finally {
    await ds.destroy();
  }
}

function envPort(name: string, fallback: number): number {
  const text = process.env[name];
  return text && /^[0-9]+$/.test(text) ? Number(text) : fallback;
}

/**
 * Boots the demo shop: env files, database (embedded unless given), migrations,
 * the sandbox gateway in sandbox mode, then the Nest app. `npm start` and the
 * browser test both come through here.
 */
export async function bootstrapDemo(options: DemoBootstrapOptions = {}): Promise<RunningDemo> {
  // Before the boot steps log anything: the app's logger setting covers them too.
  if (options.logger !== undefined) Logger.overrideLogger(options.logger);
  const configModule = await ConfigModule.forRoot({ isGlobal: true, envFilePath: envFilePaths(), load: [baofooConfig] });
  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((e: Error) => logger.warn(`shutdown: ${e.message}`));
  };
  try {
    let databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
    if (!databaseUrl) {
      const db = await embeddedDatabase(options);
      cleanups.push(() => db.stop());
      databaseUrl = db.url;
    }
    await migrate(databaseUrl);

    const fromEnv = baofooOptionsFromEnv(process.env);
    let sandbox: SandboxGateway | undefined;
    if (fromEnv.environment === 'sandbox' && options.sandbox !== false) {
      const merchant = fromEnv.merchants?.[0];
      sandbox = await startSandboxGateway({
        port: options.sandbox?.port ?? envPort('SANDBOX_PORT', 3100),
        // 0.0.0.0 in a container, so the host's browser reaches the cashier.
        host: process.env.SANDBOX_HOST || '127.0.0.1',
        merchants: merchant ? [{ memberId: merchant.memberId, terminalId: merchant.terminalId, key: merchant.keys[0].secret, charset: fromEnv.charset }] : undefined,
        retryDelaysMs: options.sandbox?.retryDelaysMs,
        log: (line) => sandboxLogger.log(line),
      });
      cleanups.push(() => sandbox!.stop());
    }

    const port = options.port ?? envPort('PORT', 3000);
    const host = options.host ?? process.env.HOST ?? '127.0.0.1';
    // The URL the gateway and the browser reach the shop by: a free port must be known before the module boots.
    const listenPort = port === 0 ? await freePort() : port;
    const publicHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    const runtime: DemoRuntime = { databaseUrl, publicBaseUrl: `http://${publicHost}:${listenPort}`, sandboxUrl: sandbox?.url, bridgeUrl: process.env[BRIDGE_URL_VARIABLE] || undefined, configure: options.configure, databaseConnectTimeoutMs: options.databaseConnectTimeoutMs };

    const app = await NestFactory.create(DemoModule.register(configModule, runtime), { logger: options.logger ?? undefined });
    cleanups.push(() => app.close());
    await app.listen(listenPort, host);
    return { app, url: runtime.publicBaseUrl, databaseUrl, sandbox, dataSource: app.get(DataSource), close };
  } catch (e) {
    await close();
    throw e;
  }
}
