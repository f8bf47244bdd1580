import { setTimeout as delay } from 'node:timers/promises';
import { startRabbitMq } from '../src/infra/rabbitmq.ts';
import { ADMIN_MARK, startBenchDatabase, type BenchDatabase } from './bench-database.ts';
import { startBridgeConsumer, type BridgeConsumer } from './bridge-consumer.ts';
import { mean, percentile, round } from './bench-stats.ts';
import { paidCount, unbridgedCount, waitForBridged, waitForOutboxDrained } from './bench-waits.ts';
import { runWorker, startServer } from './child-process.ts';
import { startCostMeter } from './cost-meter.ts';
import { closedLoopOrders, type ClosedResult, type LoadJob } from './load-jobs.ts';
import { clockTicksPerSecond, processTicks } from './proc-cpu.ts';

/*
 * `npm run bench:bridge [-- --requests N]`: whether the RabbitMQ bridge keeps
 * up with the module's best notification rate (issue 21). The module on
 * Fastify, 32 connections closed loop (the best rate in `npm run bench`),
 * fsync on, twice on one PostgreSQL and one throwaway RabbitMQ node: without
 * the bridge, then with `BaofooBridgeModule` at its default options, a
 * consumer's durable queue bound to `baofoo.events`. Separate from
 * `npm run bench` because it needs Debian's rabbitmq-server (installed on
 * first use) and boots an Erlang node.
 */

const args = process.argv.slice(2);
const REQUESTS = args.includes('--requests') ? Number(args[args.indexOf('--requests') + 1]) : 5000;
const WARMUP = 1000;
const CONNECTIONS = 32;
const POOL_SIZE = 16;
const QUEUE = 'bench.bridge';
/** Ratios within the run (and absolute lag bounds) the bridge is held to. */
const TARGETS = { rpsRatio: 0.9, cpuRatio: 1.25, lagP99Ms: 1000, drainMs: 2000, eventsPerConfirm: 10 };

const log = (line: string) => process.stdout.write(`[bench bridge] ${line}\n`);
const usPer = (ticks: number, n: number) => round((ticks * 1e6) / clockTicksPerSecond() / n, 0)!;

interface Pass {
  rps: number;
  p99Ms: number;
  nonOk: number;
  paid: number;
  events: number;
  serverUs: number;
  postgresUs: number;
  brokerUs: number;
  statements: number | null;
  bridge: { lagsMs: number[]; drainMs: number; backlogPeak: number; missing: number; duplicates: number; batchSizes: number[]; confirmMs: number[] } | null;
}

/** The bridge's backlog, sampled while the load runs (in both passes, so both pay the same for it). */
function sampleBacklog(db: BenchDatabase): { stop(): Promise<number> } {
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      peak = Math.max(peak, await unbridgedCount(db));
      await delay(250);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return peak;
    },
  };
}

/** Commit → consumer, per event written after `afterId`: created_at is the settling statement's now(), on the same clock. */
async function consumerLags(db: BenchDatabase, consumer: BridgeConsumer, afterId: number): Promise<{ lagsMs: number[]; missing: number }> {
  const { rows } = await db.admin.query(`${ADMIN_MARK} SELECT event_id::text AS id, extract(epoch FROM created_at)::float8 * 1000 AS ms FROM baofoo_outbox WHERE id > $1`, [afterId]);
  const deadline = Date.now() + 60_000;
  const missing = () => rows.filter((r) => !consumer.receivedAt.has(r.id as string)).length;
  while (missing() > 0 && Date.now() < deadline) await delay(20);
  const lagsMs = rows.flatMap((r) => {
    const at = consumer.receivedAt.get(r.id as string);
    return at === undefined ? [] : [Math.max(0, at - (r.ms as number))];
  });
  return { lagsMs, missing: missing() };
}

async function lastEventId(db: BenchDatabase): Promise<number> {
  return Number((await db.admin.query(`${ADMIN_MARK} SELECT coalesce(max(id), 0)::int8 AS id FROM baofoo_outbox`)).rows[0].id);
}

async function measure(db: BenchDatabase, letter: string, brokerPid: number, bridged: { url: string; consumer: BridgeConsumer } | null): Promise<Pass> {
  await db.reset();
  await db.seed(`${letter}W`, closedLoopOrders(WARMUP, CONNECTIONS));
  await db.seed(`${letter}M`, closedLoopOrders(REQUESTS, CONNECTIONS));
  const server = await startServer('./servers/module-server.js', { DATABASE_URL: db.url, POOL_SIZE: String(POOL_SIZE), ADAPTER: 'fastify', BRIDGE_URL: bridged?.url ?? '' });
  try {
    const target = `${server.url}/baofoo/notify`;
    await runWorker<ClosedResult>({ mode: 'closed', url: target, prefix: `${letter}W`, requests: WARMUP, connections: CONNECTIONS } satisfies LoadJob);
    await waitForOutboxDrained(db, 60_000);
    if (bridged) await waitForBridged(db, 60_000);
    const afterId = await lastEventId(db);
    await server.stats(); // drops the warm-up's figures
    const meter = await startCostMeter(db, server.pid);
    const brokerBefore = processTicks(brokerPid);
    const sampler = sampleBacklog(db);
    const r = await runWorker<ClosedResult>({ mode: 'closed', url: target, prefix: `${letter}M`, requests: REQUESTS, connections: CONNECTIONS } satisfies LoadJob);
    // From the last answer: how long the broker's confirmations trail the storm.
    const drainMs = bridged ? await waitForBridged(db, 120_000) : 0;
    const backlogPeak = await sampler.stop();
    await waitForOutboxDrained(db, 120_000);
    const lags = bridged ? await consumerLags(db, bridged.consumer, afterId) : null;
    const brokerUs = usPer(processTicks(brokerPid) - brokerBefore, r.requests);
    const cost = await meter.finish(r.requests, r.cpuTicks);
    const extra = (await server.stats()).extra as { batchSizes: number[]; confirmMs: number[] };
    const events = (await lastEventId(db)) - afterId;
    return {
      rps: round(r.rps, 0)!,
      p99Ms: r.p99Ms,
      nonOk: r.nonOk,
      paid: await paidCount(db, `${letter}M`),
      events,
      serverUs: cost.cpu.serverUs,
      postgresUs: cost.cpu.postgresUs ?? Number.NaN,
      brokerUs,
      statements: cost.db.statementsPerNotification,
      bridge:
        bridged && lags
          ? { ...lags, drainMs, backlogPeak, duplicates: bridged.consumer.deliveries - bridged.consumer.receivedAt.size, batchSizes: extra.batchSizes, confirmMs: extra.confirmMs }
          : null,
    };
  } finally {
    await server.stop();
  }
}

function report(plain: Pass, bridged: Pass): void {
  const b = bridged.bridge!;
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  for (const [label, p] of [
    ['without bridge', plain],
    ['with bridge', bridged],
  ] as const) {
    log(
      `${label}: ${p.rps} req/s, p99 ${p.p99Ms} ms, non-OK ${p.nonOk}, paid ${p.paid}/${REQUESTS}, ${p.events} events; CPU µs/notification ` +
        `server ${p.serverUs} PostgreSQL ${p.postgresUs} RabbitMQ ${p.brokerUs}; ${p.statements ?? '—'} statements/notification`,
    );
  }
  const perEvent = (p: Pass) => round(((p.serverUs + p.postgresUs) * REQUESTS) / p.events, 0);
  log(`CPU µs per event, server + PostgreSQL: ${perEvent(plain)} without, ${perEvent(bridged)} with (RabbitMQ ${round((bridged.brokerUs * REQUESTS) / bridged.events, 0)} more)`);
  log(
    `bridge lag (commit → consumer) p50 ${round(percentile(b.lagsMs, 50), 0)} ms, p99 ${round(percentile(b.lagsMs, 99), 0)} ms, max ${round(Math.max(...b.lagsMs), 0)} ms over ${b.lagsMs.length} events; ` +
      `missing ${b.missing}, duplicates ${b.duplicates} (whole run); backlog peak ${b.backlogPeak}, drained ${b.drainMs} ms after the last answer`,
  );
  log(
    `confirms: ${b.batchSizes.length} waitForConfirms for ${b.batchSizes.reduce((a, n) => a + n, 0)} events, ${round(mean(b.batchSizes), 1)} events per confirm ` +
      `(p50 ${percentile(b.batchSizes, 50)}, max ${Math.max(...b.batchSizes)}); confirm wait p50 ${round(percentile(b.confirmMs, 50), 1)} ms, p99 ${round(percentile(b.confirmMs, 99), 1)} ms`,
  );
  const rpsRatio = round(bridged.rps / plain.rps, 2)!;
  const cpuRatio = round((bridged.serverUs + bridged.postgresUs) / (plain.serverUs + plain.postgresUs), 2)!;
  const lagP99 = percentile(b.lagsMs, 99) ?? Number.POSITIVE_INFINITY;
  log(`target req/s with ≥ ${TARGETS.rpsRatio}× without: ${rpsRatio}× ${verdict(rpsRatio >= TARGETS.rpsRatio)}`);
  log(`target server + PostgreSQL CPU with ≤ ${TARGETS.cpuRatio}× without: ${cpuRatio}× ${verdict(cpuRatio <= TARGETS.cpuRatio)}`);
  log(`target bridge lag p99 < ${TARGETS.lagP99Ms} ms: ${round(lagP99, 0)} ms ${verdict(lagP99 < TARGETS.lagP99Ms)}`);
  log(`target keeps up (backlog 0 within ${TARGETS.drainMs} ms of the last answer): ${b.drainMs} ms ${verdict(b.drainMs <= TARGETS.drainMs)}`);
  log(`target ≥ ${TARGETS.eventsPerConfirm} events per confirm: ${round(mean(b.batchSizes), 1)} ${verdict(mean(b.batchSizes) >= TARGETS.eventsPerConfirm)}`);
  log(`nothing lost: ${b.missing === 0 && bridged.paid === REQUESTS ? 'yes' : 'NO'}`);
}

const [db, broker] = await Promise.all([startBenchDatabase(), startRabbitMq()]);
try {
  log(`durability: ${await db.setDurability('on')}`);
  const brokerPid = Number(/[0-9]+/.exec(await broker.ctl('eval', 'os:getpid().'))![0]);
  const consumer = await startBridgeConsumer(broker.url, QUEUE);
  try {
    const plain = await measure(db, 'P', brokerPid, null);
    const bridged = await measure(db, 'B', brokerPid, { url: broker.url, consumer });
    report(plain, bridged);
  } finally {
    await consumer.close();
  }
} finally {
  await broker.stop();
  await db.stop();
}
