import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/infra/embedded-database.ts';
import { formBody, successFields } from '../notifications/notification-support.ts';
import { startAppProcess, type AppProcess } from './app-process.ts';
import { chaosTransId, fulfilmentDeliveries, seedChaosDatabase, settledOrders } from './chaos-fixtures.ts';
import { startStorm } from './sender-process.ts';

const ORDERS = 400;
const SENDERS = 32;
const MONEY = 100;
const READ_ONLY_MS = 3000;
/** A gateway retries every second; a tenth of that keeps the test short. */
const RETRY_MS = 100;
/** Longest wait for the app to answer OK again after a fault ended: only a real hang misses it. */
const RECOVERY_DEADLINE_MS = 30_000;

const now = () => performance.timeOrigin + performance.now();

/** What production has: the server restarted (fast, immediate), its postmaster killed, the database switched to read-only. */
const FAULTS: { name: string; atShare: number; run: (server: EmbeddedDatabase) => Promise<void> }[] = [
  { name: 'pg_ctl restart -m fast', atShare: 0.08, run: (s) => s.restart('fast') },
  { name: `read-only for ${READ_ONLY_MS / 1000} s`, atShare: 0.22, run: (s) => readOnlyFor(s.url, READ_ONLY_MS) },
  { name: 'pg_ctl restart -m immediate', atShare: 0.36, run: (s) => s.restart('immediate') },
  { name: 'postmaster kill -9, then start', atShare: 0.5, run: (s) => s.kill9AndStart() },
  { name: 'pg_ctl restart -m fast', atShare: 0.64, run: (s) => s.restart('fast') },
];

/** Read-only the way an operator (or a failover to a standby) makes it: every new transaction is refused its writes. */
async function readOnlyFor(url: string, ms: number): Promise<void> {
  const admin = new pg.Client(url);
  admin.on('error', () => undefined);
  await admin.connect();
  try {
    // ALTER SYSTEM needs a session that is not read-only itself.
    await admin.query('SET default_transaction_read_only = off');
    await admin.query('ALTER SYSTEM SET default_transaction_read_only = on');
    await admin.query('SELECT pg_reload_conf()');
    // The fault's length is the point here, not an event to wait for.
    await new Promise((resolve) => setTimeout(resolve, ms));
    await admin.query('ALTER SYSTEM RESET default_transaction_read_only');
    await admin.query('SELECT pg_reload_conf()');
  } finally {
    await admin.end();
  }
}

interface FaultRecord {
  name: string;
  from: number;
  /** When the server accepted connections again (or was writable again). */
  back: number;
  /** From `back` to the first OK answer to a fresh notification sent from then on. */
  recoveryMs: number;
  probeNonOk: number;
}

/**
 * The issue's chaos run with PostgreSQL restarted under it (issue 18): a
 * gateway-like sender retries each success notification until it reads OK,
 * 32 at a time, and at set shares of the storm the suite restarts the
 * database (fast, immediate), SIGKILLs its postmaster and starts it again, or
 * makes it read-only for a few seconds. The app runs in a process of its own
 * without any handler for uncaught errors, so an unhandled 'error' event ends
 * it and fails the suite. After each fault a fresh notification must be
 * answered OK again, without a restart of the app.
 */
describe('a database restarted mid-storm', () => {
  let server: EmbeddedDatabase;
  let appProcess: ChildProcess | undefined;
  let senderProcess: ChildProcess | undefined;
  let started: AppProcess | undefined;
  let appDied: Promise<never>;
  let baseUrl: string;
  let dataDir: string | undefined;

  beforeAll(async () => {
    // A data directory outside the private run folder, which the suite's restarts must keep.
    dataDir = join(mkdtempSync(join(tmpdir(), 'baofoo-chaos-')), 'pgdata');
    server = await startEmbeddedDatabase({ dataDir, persistent: false });
    // The storm's orders, then one fresh order per fault for the recovery probe.
    await seedChaosDatabase(server.url, ORDERS + FAULTS.length, MONEY);

    started = await startAppProcess(new URL('./child/storm-app.ts', import.meta.url), { DATABASE_URL: server.url });
    appProcess = started.child;
    appDied = started.died;
    baseUrl = started.url;
  }, 90_000);

  afterAll(async () => {
    if (senderProcess?.exitCode === null) senderProcess.kill();
    if (appProcess && appProcess.exitCode === null && appProcess.signalCode === null) {
      const exited = new Promise((resolve) => appProcess!.once('exit', resolve));
      appProcess.kill('SIGKILL');
      await exited;
    }
    await server?.stop();
    // The server removes only its pgdata; the folder made for it goes too.
    if (dataDir) rmSync(dirname(dataDir), { recursive: true, force: true });
  });

  /** One notification for a fresh order, retried like the gateway until it is answered OK. */
  async function probe(transId: string): Promise<{ okAt: number; nonOk: number }> {
    const until = performance.now() + RECOVERY_DEADLINE_MS;
    let nonOk = 0;
    let said = '';
    while (performance.now() < until) {
      try {
        const res = await fetch(`${baseUrl}/baofoo/notify`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: formBody(successFields(transId, MONEY)),
          signal: AbortSignal.timeout(10_000),
        });
        const text = await res.text();
        if (res.status === 200 && text === 'OK') return { okAt: now(), nonOk };
        said = `${res.status} ${text.slice(0, 40)}`;
      } catch (e) {
        said = (e as Error).message;
      }
      nonOk += 1;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
    throw new Error(`no OK for ${transId} within ${RECOVERY_DEADLINE_MS} ms after the fault ended (last answer: ${said})`);
  }

  it('stays up through restarts, a killed postmaster and read-only, answers OK again after each, and delivers every event once', async () => {
    const faults: FaultRecord[] = [];
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const transIds = Array.from({ length: ORDERS }, (_, i) => chaosTransId(i + 1));
    const probeIds = FAULTS.map((_, i) => chaosTransId(ORDERS + 1 + i));
    let faultFailed: (e: Error) => void = () => undefined;
    const faultFailure = new Promise<never>((_, reject) => {
      faultFailed = reject;
    });
    const storm = startStorm(
      { baseUrl, transIds, money: MONEY, senders: SENDERS, retryMs: RETRY_MS, faultAtOk: FAULTS.map((f) => Math.round(f.atShare * ORDERS)) },
      (m: { fault?: { index: number; at: number } }) => {
        if (!m.fault) return;
        const { index, at } = m.fault;
        void (async () => {
          await FAULTS[index].run(server);
          const back = now();
          const { okAt, nonOk } = await probe(probeIds[index]);
          faults.push({ name: FAULTS[index].name, from: at, back, recoveryMs: okAt - back, probeNonOk: nonOk });
          storm.sender.send({ faultDone: index });
        })().catch((e: unknown) => faultFailed(e as Error));
      },
    );
    senderProcess = storm.sender;
    const answers = storm.answers;
    const senderLoopDelayMs = await Promise.race([storm.done, appDied, faultFailure]);
    loopDelay.disable();

    const check = new pg.Client(server.url);
    check.on('error', () => undefined);
    await check.connect();
    try {
      // Every committed event is delivered once the database is back (the relay polls, leases bring back what a fault cut),
      // and the LISTEN connection is back on its own.
      const settledBy = performance.now() + 60_000;
      for (;;) {
        const { rows } = await check.query<{ undelivered: number; listening: number }>(
          `SELECT (SELECT count(*)::int FROM baofoo_outbox WHERE delivered_at IS NULL) AS undelivered,
                  (SELECT count(*)::int FROM pg_stat_activity WHERE application_name = 'baofoo-outbox-listen') AS listening`,
        );
        if ((rows[0].undelivered === 0 && rows[0].listening > 0) || performance.now() > settledBy) break;
        await Promise.race([new Promise((resolve) => setTimeout(resolve, 200)), appDied]);
      }
      const appLoopDelayMs = await Promise.race([
        new Promise<number>((resolve) => {
          appProcess!.on('message', (m: { loopDelayMs?: number }) => m.loopDelayMs !== undefined && resolve(m.loopDelayMs));
          appProcess!.send({ report: true });
        }),
        appDied,
      ]);
      // The process survived every fault: nothing restarted it.
      expect(started?.exit()).toBeUndefined();
      const listening = await check.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'baofoo-outbox-listen'`);
      // Ending the app ends its connections: anything left inside an uncommitted transaction is rolled back before the count.
      const ended = new Promise((resolve) => appProcess!.once('exit', resolve));
      appProcess!.kill('SIGTERM');
      await ended;

      const okTransIds = new Set(answers.filter((a) => a.ok).map((a) => a.transId));
      const orders = await settledOrders(check);
      const outbox = (await check.query<{ trans_id: string; events: number; undelivered: number }>(
        `SELECT trans_id, count(*)::int AS events, count(*) FILTER (WHERE delivered_at IS NULL)::int AS undelivered
           FROM baofoo_outbox WHERE type = 'baofoo.payment.succeeded' GROUP BY trans_id`,
      )).rows;
      const deliveries = await fulfilmentDeliveries(check);
      const effects = (await check.query<{ n: number; orders: number }>('SELECT count(*)::int AS n, count(DISTINCT trans_id)::int AS orders FROM chaos_effects')).rows[0];
      const undeliveredAtAll = (await check.query<{ n: number }>('SELECT count(*)::int AS n FROM baofoo_outbox WHERE delivered_at IS NULL')).rows[0].n;

      const nonOk = answers.filter((a) => !a.ok);
      const duringFaults = faults.map((f) => nonOk.filter((a) => a.startedAt >= f.from && a.startedAt < f.back).length);
      const firstStormOk = faults.map((f) => {
        const after = answers.filter((a) => a.ok && a.startedAt >= f.back).map((a) => a.startedAt + a.ms - f.back);
        return after.length > 0 ? `${Math.round(Math.min(...after))} ms` : 'none (storm over)';
      });
      const slowest = Math.round(Math.max(0, ...nonOk.map((a) => a.ms)));
      process.stdout.write(
        `restart chaos run: ${ORDERS} orders, ${answers.length} answers (${okTransIds.size} OK orders, ${nonOk.length} non-OK answers), ` +
          `${orders.filter((o) => o.status === 'PAID').length} PAID, ${deliveries.length} deliveries, ${effects.n} effects, slowest non-OK answer ${slowest} ms, ` +
          `worst event-loop delay ${Math.round(appLoopDelayMs)} ms in the app, ${Math.round(senderLoopDelayMs)} ms in the sender, LISTEN connections at the end ${listening.rows[0].n}\n` +
          faults
            .map((f, i) => `  ${f.name}: ${Math.round(f.back - f.from)} ms down, ${duringFaults[i]} non-OK storm answers sent during it, fresh notification OK ${Math.round(f.recoveryMs)} ms after it ended (${f.probeNonOk} non-OK before), first storm OK ${firstStormOk[i]} after\n`)
            .join('') +
          `  slowest non-OK: ${[...nonOk].sort((a, b) => b.ms - a.ms).slice(0, 3).map((a) => `${Math.round(a.ms)} ms: ${a.said}`).join('; ')}\n`,
      );

      expect(faults.map((f) => f.name)).toEqual(FAULTS.map((f) => f.name));
      // The faults really hit the storm.
      expect(duringFaults.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      expect(okTransIds).toEqual(new Set(transIds));
      // Every order answered OK (the storm's and the probes') is PAID, with exactly one applied ledger row.
      const answeredOk = new Set([...okTransIds, ...probeIds]);
      expect(orders.filter((o) => answeredOk.has(o.trans_id) && (o.status !== 'PAID' || o.applied !== 1))).toEqual([]);
      // One event per payment, every committed event delivered, each delivery with its effect, nothing doubled.
      expect(outbox).toHaveLength(ORDERS + FAULTS.length);
      expect(outbox.filter((e) => e.events !== 1 || e.undelivered !== 0)).toEqual([]);
      expect(undeliveredAtAll).toBe(0);
      expect(deliveries.filter((d) => !d.effect)).toEqual([]);
      expect(deliveries).toHaveLength(ORDERS + FAULTS.length);
      expect(effects).toEqual({ n: ORDERS + FAULTS.length, orders: ORDERS + FAULTS.length });
      // The LISTEN connection came back by itself.
      expect(listening.rows[0].n).toBeGreaterThan(0);
      // An unreachable or read-only database is answered non-OK quickly (the gateway retries): the module's budget
      // is database.answerWithinMs (2 s); a stretch in which a process was not scheduled at all is added.
      expect(slowest).toBeLessThan(3000 + appLoopDelayMs + senderLoopDelayMs + loopDelay.max / 1e6);
    } finally {
      await check.end();
    }
  }, 180_000);
});
