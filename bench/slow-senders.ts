import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { TypeOrmModule } from '@nestjs/typeorm';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { BaofooModule, baofooPostgresOptions } from '../src/baofoo/index.ts';
import { signedNotification } from '../src/baofoo/testing/index.ts';
import { startBenchDatabase } from './bench-database.ts';
import { benchBaofooOptions } from './bench-signing.ts';

/**
 * Slow senders against the notification route (issue 11 §7): CONNECTIONS
 * connections send their headers and then one body byte a second, while a
 * signed notification is delivered every 500 ms. Reports how long each slow
 * connection was held, how it was answered, and the signed notifications'
 * latency, on Express and on Fastify, with the default read deadline (10 s).
 *
 *   tsc -p tsconfig.bench.json && node dist-bench/bench/slow-senders.js
 */
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 200);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function trickle(port: number): Promise<{ ms: number; status: string }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = net.connect(port, '127.0.0.1');
    let response = '';
    socket.on('data', (d) => (response += d.toString('latin1')));
    socket.on('error', () => undefined);
    const drip = setInterval(() => socket.write('a'), 1000);
    socket.on('close', () => {
      clearInterval(drip);
      resolve({ ms: performance.now() - started, status: response.slice(9, 12) || 'none' });
    });
    socket.write('POST /baofoo/notify HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n');
  });
}

async function run(adapter: 'express' | 'fastify', url: string): Promise<Record<string, unknown>> {
  @Module({
    imports: [
      TypeOrmModule.forRoot(baofooPostgresOptions({ url, poolSize: 10 })),
      EventEmitterModule.forRoot(),
      BaofooModule.forRoot(benchBaofooOptions({ outbox: { enabled: false } })),
    ],
  })
  class SlowSendersApp {}
  const app = adapter === 'fastify' ? await NestFactory.create(SlowSendersApp, new FastifyAdapter(), { logger: ['error'] }) : await NestFactory.create(SlowSendersApp, { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as net.AddressInfo).port;
  const started = performance.now();
  const slow = Promise.all(Array.from({ length: CONNECTIONS }, () => trickle(port)));
  const latencies: number[] = [];
  const answers: string[] = [];
  // Unknown orders: the module verifies, looks up and refuses with 404, a full round trip.
  for (let i = 0; i < 24; i++) {
    const n = signedNotification({ transId: `SLOW${adapter}${i}`, result: 'success', factMoney: 100 });
    const t0 = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/baofoo/notify`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: n.body });
    answers.push(`${res.status} ${await res.text()}`);
    latencies.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 500));
  }
  const held = await slow;
  const result = {
    adapter,
    connections: CONNECTIONS,
    allReleasedAfterMs: Math.round(performance.now() - started),
    heldMs: { p50: Math.round(percentile(held.map((h) => h.ms), 50)), max: Math.round(Math.max(...held.map((h) => h.ms))) },
    answers: held.reduce<Record<string, number>>((acc, h) => ({ ...acc, [h.status]: (acc[h.status] ?? 0) + 1 }), {}),
    signedDuringStorm: { count: latencies.length, p50Ms: +percentile(latencies, 50).toFixed(1), maxMs: +Math.max(...latencies).toFixed(1), answers: [...new Set(answers)] },
  };
  await app.close();
  return result;
}

const db = await startBenchDatabase();
try {
  for (const adapter of ['express', 'fastify'] as const) console.log(JSON.stringify(await run(adapter, db.url)));
} finally {
  await db.stop();
}
