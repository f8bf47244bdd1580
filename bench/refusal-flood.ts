import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AddressInfo } from 'node:net';
import { BaofooModule, baofooPostgresOptions } from '../src/baofoo/index.ts';
import { RefusalRecorder } from '../src/baofoo/notifications/refusal.recorder.ts';
import { startBenchDatabase, type BenchDatabase } from './bench-database.ts';
import { benchBaofooOptions, benchTransId, successBody } from './bench-signing.ts';
import { mean, percentile, round } from './bench-stats.ts';
import { runRefusalFlood } from './refusal-flood.run.ts';

/*
 * `tsc -p tsconfig.bench.json && node dist-bench/bench/refusal-flood.js [--unsigned N]`:
 * 50,000 unsigned requests from one address (32 connections) against the
 * module, with signed notifications sent one after another meanwhile; then
 * the same signed notifications without the flood, for comparison. App and
 * load share this process (loopback), so the figures are a floor.
 */

const args = process.argv.slice(2);
const UNSIGNED = Number(args[args.indexOf('--unsigned') + 1]) || 50_000;
const SIGNED = 200;
const log = (line: string) => process.stdout.write(`[refusal-flood] ${line}\n`);

async function rows(db: BenchDatabase): Promise<Record<string, number>> {
  const { rows: [r] } = await db.admin.query(
    `SELECT (SELECT count(*) FROM baofoo_notification_ledger)::int AS ledger, (SELECT count(*) FROM baofoo_outbox)::int AS outbox,
            (SELECT count(*) FROM baofoo_refusal_counts)::int AS "refusalCounts"`,
  );
  return r;
}

const db = await startBenchDatabase();
try {
  @Module({
    imports: [
      TypeOrmModule.forRoot(baofooPostgresOptions({ url: db.url, poolSize: 16 })),
      EventEmitterModule.forRoot(),
      BaofooModule.forRoot(benchBaofooOptions({ outbox: { enabled: false } })),
    ],
  })
  class FloodAppModule {}

  const app = await NestFactory.create(FloodAppModule, { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const recorder = app.get(RefusalRecorder);
  await db.seed('FLOODA', SIGNED);
  await db.seed('QUIETB', SIGNED);

  const quiet = await runRefusalFlood({ port, path: '/baofoo/notify', unsigned: 0, connections: 1, signed: Array.from({ length: SIGNED }, (_, i) => successBody(benchTransId('QUIETB', i))) });
  await recorder.flush();
  const before = await rows(db);
  const flood = await runRefusalFlood({ port, path: '/baofoo/notify', unsigned: UNSIGNED, connections: 32, signed: Array.from({ length: SIGNED }, (_, i) => successBody(benchTransId('FLOODA', i))) });
  await recorder.flush();
  const after = await rows(db);
  await app.close();

  const stats = (ms: number[]) => `mean ${round(mean(ms))} ms, p50 ${round(percentile(ms, 50))} ms, p99 ${round(percentile(ms, 99))} ms`;
  log(`flood: ${flood.unsignedSent} unsigned requests in ${Math.round(flood.elapsedMs)} ms (${Math.round(flood.unsignedSent / (flood.elapsedMs / 1000))}/s), answers ${JSON.stringify(flood.unsignedAnswers)}`);
  log(`rows written during the flood: ledger +${after.ledger - before.ledger} (${SIGNED} of them the signed settlements), refusal counts +${after.refusalCounts - before.refusalCounts}, outbox +${after.outbox - before.outbox}`);
  log(`signed during the flood: ${flood.signedOk}/${SIGNED} OK, ${stats(flood.signedLatenciesMs)}`);
  log(`signed without a flood:  ${quiet.signedOk}/${SIGNED} OK, ${stats(quiet.signedLatenciesMs)}`);
} finally {
  await db.stop();
}
